package dev.mxspec.homeserver.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/** The redaction algorithm of room versions 1 to 10: strip every key the protocol does not need. */
public final class Redaction {

    /** The top-level keys kept, the same in versions 1 to 10 (everything else goes, {@code unsigned} too). */
    public static final Set<String> TOP_LEVEL_KEYS = Set.of(
            "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures", "depth",
            "prev_events", "prev_state", "auth_events", "origin", "origin_server_ts", "membership");

    private Redaction() {}

    /** A redacted copy of {@code event}; the argument is left as it was. */
    public static ObjectNode redact(ObjectNode event, RoomVersion version) {
        ObjectNode redacted = event.objectNode();
        for (Map.Entry<String, JsonNode> field : event.properties()) {
            if (TOP_LEVEL_KEYS.contains(field.getKey())) {
                redacted.set(field.getKey(), field.getValue().deepCopy());
            }
        }
        if (event.get("content") instanceof ObjectNode content) {
            Set<String> kept = version.redactionRules().contentKeys(new PduView(event).type());
            ObjectNode strippedContent = redacted.objectNode();
            for (Map.Entry<String, JsonNode> field : content.properties()) {
                if (kept.contains(field.getKey())) {
                    strippedContent.set(field.getKey(), field.getValue().deepCopy());
                }
            }
            redacted.set("content", strippedContent);
        }
        return redacted;
    }
}
