package dev.mxspec.homeserver.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * An event of the room graph: its ID (carried in the event in room versions 1 and 2, computed from it in later
 * versions), its PDU, and whether it was rejected (server-server API, "Rejection": it failed the authorization
 * rules on its auth events or on the state before it). Soft-failed events are not rejected.
 */
public record GraphEvent(String eventId, ObjectNode pdu, boolean rejected) {

    public GraphEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(pdu, "pdu");
    }

    /** An event that passed the checks on receipt. */
    public static GraphEvent accepted(String eventId, ObjectNode pdu) {
        return new GraphEvent(eventId, pdu, false);
    }
}
