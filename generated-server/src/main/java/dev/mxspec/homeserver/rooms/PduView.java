package dev.mxspec.homeserver.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Typed reads of a PDU's JSON, tolerant of missing or mistyped fields (those read as absent). Both event
 * formats are understood: {@code prev_events} and {@code auth_events} as {@code [event_id, hashes]} pairs
 * (versions 1 and 2) or as plain event IDs (versions 3 and later).
 */
public record PduView(ObjectNode json) {

    /** {@code type}, or empty when missing. */
    public String type() {
        return text(json, "type").orElse("");
    }

    /** {@code sender}, or empty when missing. */
    public String sender() {
        return text(json, "sender").orElse("");
    }

    /** {@code room_id}, or empty when missing. */
    public String roomId() {
        return text(json, "room_id").orElse("");
    }

    /** {@code state_key}; present (possibly empty) exactly for state events. */
    public Optional<String> stateKey() {
        return text(json, "state_key");
    }

    public boolean isState() {
        return stateKey().isPresent();
    }

    /** {@code event_id} as carried in the event (room versions 1 and 2). */
    public Optional<String> eventId() {
        return text(json, "event_id");
    }

    /** {@code redacts}, the event an {@code m.room.redaction} removes. */
    public Optional<String> redacts() {
        return text(json, "redacts");
    }

    /** {@code origin_server_ts}, or 0 when missing. */
    public long originServerTs() {
        return json.path("origin_server_ts").asLong(0);
    }

    /** {@code content}, or an empty object when missing or not an object. */
    public ObjectNode content() {
        return json.get("content") instanceof ObjectNode content ? content : JsonNodeFactory.instance.objectNode();
    }

    /** A string property of {@code content}. */
    public Optional<String> contentText(String key) {
        return text(content(), key);
    }

    /** {@code content.membership}, as text. */
    public Optional<String> membership() {
        return contentText("membership");
    }

    public List<String> prevEventIds() {
        return eventIds("prev_events");
    }

    public List<String> authEventIds() {
        return eventIds("auth_events");
    }

    private List<String> eventIds(String field) {
        List<String> ids = new ArrayList<>();
        for (JsonNode entry : json.path(field)) {
            JsonNode id = entry.isArray() ? entry.path(0) : entry;
            if (id.isTextual()) {
                ids.add(id.textValue());
            }
        }
        return List.copyOf(ids);
    }

    static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
    }
}
