package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * What the room services need from the room-version logic: sealing a new event (hashes, signature,
 * event ID), checking it against the authorization rules, and the redaction algorithm.
 */
public interface RoomRules {

    /** The room versions this server can create and join, and the default for new rooms. */
    List<String> supportedVersions();

    String defaultVersion();

    /** Adds hashes and the server's signature to a new PDU and returns its event ID (setting {@code event_id} where the version has it in the event). */
    String seal(ObjectNode pdu, String roomVersion);

    /** Another server's event with this server's signature added, its hashes untouched (co-signing an invite). */
    ObjectNode cosign(ObjectNode pdu, String roomVersion);

    /**
     * Checks an event against the authorization rules with the room's current state, given as
     * (type, state_key) to event JSON; throws {@code M_FORBIDDEN} with the rule that refused it.
     */
    void authorize(ObjectNode pdu, Map<List<String>, ObjectNode> state, String roomVersion);

    /** The event with everything the redaction algorithm of the version removes removed. */
    ObjectNode redact(ObjectNode event, String roomVersion);
}
