package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.runtime.json.MatrixJson;

/** Stored PDUs as clients see them (the ClientEvent format): no hashes, signatures or DAG fields. */
public final class ClientEvents {

    private ClientEvents() {}

    /**
     * @param viewerDevice the device asking, which sees {@code unsigned.transaction_id} of its own events
     * @param withRoomId whether to include {@code room_id} (not in /sync timelines)
     */
    public static ObjectNode of(StoredEvent e, String viewerUserId, String viewerDevice, long now, boolean withRoomId) {
        JsonNode pdu = parse(e.json());
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        out.put("event_id", e.eventId());
        out.put("type", e.type());
        out.put("sender", e.sender());
        out.put("origin_server_ts", e.originServerTs());
        out.set("content", pdu.has("content") ? pdu.get("content") : MatrixJson.mapper().createObjectNode());
        e.stateKey().ifPresent(k -> out.put("state_key", k));
        if (pdu.has("redacts")) {
            out.set("redacts", pdu.get("redacts"));
        }
        if (withRoomId) {
            out.put("room_id", e.roomId());
        }
        ObjectNode unsigned = out.putObject("unsigned");
        unsigned.put("age", Math.max(0, now - e.originServerTs()));
        JsonNode stored = pdu.path("unsigned");
        if (stored.has("prev_content")) {
            unsigned.set("prev_content", stored.get("prev_content"));
        }
        if (stored.has("redacted_because")) {
            unsigned.set("redacted_because", stored.get("redacted_because"));
        }
        e.txn().filter(t -> e.sender().equals(viewerUserId) && t.deviceId().equals(viewerDevice))
                .ifPresent(t -> unsigned.put("transaction_id", e.type().equals("m.room.redaction") && t.txnId().startsWith(RoomService.REDACTION_TXN)
                        ? t.txnId().substring(RoomService.REDACTION_TXN.length()) : t.txnId()));
        return out;
    }

    /** Client event JSON as the generated {@code ClientEvent} record. */
    public static dev.mxspec.spec.v1_7.clientserver.ClientEvent typed(JsonNode json) {
        try {
            return MatrixJson.convert(json, dev.mxspec.spec.v1_7.clientserver.ClientEvent.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException("event does not fit ClientEvent", ex);
        }
    }

    /** {@link #of} as the generated {@code ClientEvent} record (with {@code room_id}). */
    public static dev.mxspec.spec.v1_7.clientserver.ClientEvent typed(StoredEvent e, String viewerUserId, String viewerDevice, long now) {
        try {
            return MatrixJson.convert(of(e, viewerUserId, viewerDevice, now, true), dev.mxspec.spec.v1_7.clientserver.ClientEvent.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException("stored event does not fit ClientEvent", ex);
        }
    }

    /** The stripped state form (for invites and knocks). */
    public static ObjectNode stripped(StoredEvent e) {
        JsonNode pdu = parse(e.json());
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        out.put("type", e.type());
        out.put("state_key", e.stateKey().orElse(""));
        out.put("sender", e.sender());
        out.set("content", pdu.path("content"));
        return out;
    }

    /** Stored JSON text (an event, actions, a pusher's data) back to a tree. */
    public static JsonNode parse(String json) {
        try {
            return MatrixJson.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored JSON is not JSON", e);
        }
    }
}
