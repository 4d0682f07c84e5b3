package dev.mxspec.homeserver.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.sync.SyncFilter.InvalidFilter;
import java.util.Map;
import java.util.Set;

/**
 * Checks a filter's JSON against the types the spec gives its fields ({@code Filter},
 * {@code RoomFilter}, {@code EventFilter}, {@code RoomEventFilter}): booleans are JSON booleans
 * (not {@code "true"} or {@code 1}), limits whole numbers (0 included, as Synapse and clients use it for "no events"), lists lists of strings,
 * {@code event_format} {@code client} or {@code federation}. Unknown fields are allowed, as
 * everywhere in Matrix.
 */
final class FilterValidation {

    private static final Set<String> LISTS = Set.of("types", "not_types", "senders", "not_senders", "rooms", "not_rooms");
    private static final Set<String> FLAGS = Set.of("contains_url", "lazy_load_members", "include_redundant_members",
            "unread_thread_notifications");
    private static final Set<String> ROOM_SECTIONS = Set.of("timeline", "state", "ephemeral", "account_data");

    private FilterValidation() {}

    static void check(JsonNode filter) {
        object(filter, "filter");
        JsonNode fields = filter.get("event_fields");
        if (fields != null) {
            strings(fields, "event_fields");
        }
        JsonNode format = filter.get("event_format");
        if (format != null && !(format.isTextual() && (format.asText().equals("client") || format.asText().equals("federation")))) {
            throw new InvalidFilter("event_format", "must be \"client\" or \"federation\"");
        }
        eventFilter(filter.get("presence"), "presence");
        eventFilter(filter.get("account_data"), "account_data");
        JsonNode room = filter.get("room");
        if (room == null) {
            return;
        }
        object(room, "room");
        for (String list : Set.of("rooms", "not_rooms")) {
            if (room.has(list)) {
                strings(room.get(list), "room." + list);
            }
        }
        if (room.has("include_leave") && !room.get("include_leave").isBoolean()) {
            throw new InvalidFilter("room.include_leave", "must be true or false");
        }
        for (String section : ROOM_SECTIONS) {
            eventFilter(room.get(section), "room." + section);
        }
    }

    private static void eventFilter(JsonNode filter, String path) {
        if (filter == null) {
            return;
        }
        object(filter, path);
        for (Map.Entry<String, JsonNode> field : filter.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.equals("limit") && !(value.isIntegralNumber() && value.canConvertToInt() && value.asInt() >= 0)) {
                throw new InvalidFilter(path + ".limit", "must be a whole number, 0 or more"); // 0: no events, as Synapse allows
            }
            if (LISTS.contains(name)) {
                strings(value, path + "." + name);
            }
            if (FLAGS.contains(name) && !value.isBoolean()) {
                throw new InvalidFilter(path + "." + name, "must be true or false");
            }
        }
    }

    private static void object(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new InvalidFilter(path, "must be an object");
        }
    }

    private static void strings(JsonNode node, String path) {
        if (!node.isArray()) {
            throw new InvalidFilter(path, "must be a list of strings");
        }
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new InvalidFilter(path, "must be a list of strings");
            }
        }
    }
}
