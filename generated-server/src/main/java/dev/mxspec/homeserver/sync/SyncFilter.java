package dev.mxspec.homeserver.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A filter as {@code POST /user/{userId}/filter} defines it, read from its JSON: what a sync
 * leaves out. Absent lists mean "no restriction"; {@code not_*} lists win over their positive
 * counterparts; type patterns may end with {@code *}.
 *
 * @param presence which {@code m.presence} events, by sender
 * @param accountData which global account data, by type
 * @param room the room sections
 * @param eventFields the only event fields to return (empty: all), each a path of names ({@code event_fields}
 *     entries split at unescaped dots)
 */
public record SyncFilter(EventFilter presence, EventFilter accountData, RoomFilter room, List<List<String>> eventFields,
        boolean federationFormat) {

    /** A filter whose JSON does not fit the spec's types: what and where. */
    public static final class InvalidFilter extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        InvalidFilter(String path, String why) {
            super(path + ": " + why);
        }
    }

    /** The timeline limit when a filter gives none. */
    public static final int DEFAULT_TIMELINE_LIMIT = 20;

    /**
     * {@code EventFilter} and {@code RoomEventFilter} in one.
     *
     * @param limit the most events to return, when given
     * @param containsUrl only events with (true) or without (false) a {@code content.url}, when given
     * @param lazyLoadMembers only the member events of the timeline's senders (state filters)
     * @param includeRedundantMembers with {@code lazyLoadMembers}: member events even when the client was sent them before
     * @param unreadThreadNotifications notification counts per thread (timeline filters)
     */
    public record EventFilter(Optional<Integer> limit, Optional<List<String>> types, List<String> notTypes,
            Optional<List<String>> senders, List<String> notSenders, Optional<List<String>> rooms, List<String> notRooms,
            Optional<Boolean> containsUrl, boolean lazyLoadMembers, boolean includeRedundantMembers, boolean unreadThreadNotifications) {

        static EventFilter of(JsonNode json) {
            return new EventFilter(json.path("limit").canConvertToInt() ? Optional.of(json.path("limit").asInt()) : Optional.empty(),
                    optionalStrings(json.path("types")), strings(json.path("not_types")), optionalStrings(json.path("senders")),
                    strings(json.path("not_senders")), optionalStrings(json.path("rooms")), strings(json.path("not_rooms")),
                    json.path("contains_url").isBoolean() ? Optional.of(json.path("contains_url").asBoolean()) : Optional.empty(),
                    json.path("lazy_load_members").asBoolean(false), json.path("include_redundant_members").asBoolean(false),
                    json.path("unread_thread_notifications").asBoolean(false));
        }

        /** Whether the filter may drop events (of a room it keeps) for their type, sender or URL. */
        public boolean restricts() {
            return types.isPresent() || !notTypes.isEmpty() || senders.isPresent() || !notSenders.isEmpty() || containsUrl.isPresent();
        }

        public boolean keepsType(String type) {
            return types.map(t -> t.stream().anyMatch(p -> matches(p, type))).orElse(true) && notTypes.stream().noneMatch(p -> matches(p, type));
        }

        public boolean keeps(String type, String sender) {
            return keepsType(type) && senders.map(s -> s.contains(sender)).orElse(true) && !notSenders.contains(sender);
        }

        public boolean keepsRoom(String roomId) {
            return rooms.map(r -> r.contains(roomId)).orElse(true) && !notRooms.contains(roomId);
        }

        /** Type, sender and {@code contains_url} of a client-format event. */
        public boolean keeps(JsonNode event) {
            return keeps(event.path("type").asText(), event.path("sender").asText())
                    && containsUrl.map(wanted -> event.path("content").path("url").isTextual() == wanted).orElse(true);
        }

        /** Filter type patterns may end with {@code *}. */
        private static boolean matches(String pattern, String type) {
            return pattern.endsWith("*") ? type.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(type);
        }
    }

    /** The {@code room} part: which rooms, and a filter per section. */
    public record RoomFilter(Optional<List<String>> rooms, List<String> notRooms, boolean includeLeave, EventFilter timeline,
            EventFilter state, EventFilter ephemeral, EventFilter accountData) {

        public boolean includes(String roomId) {
            return rooms.map(r -> r.contains(roomId)).orElse(true) && !notRooms.contains(roomId);
        }

        /** The timeline limit, 0 to 500 (20 when the filter gives none); 0 gives an empty, limited timeline. */
        public int timelineLimit() {
            return Math.max(0, Math.min(timeline.limit().orElse(DEFAULT_TIMELINE_LIMIT), 500));
        }
    }

    /** No restriction: what a sync without a filter gets. */
    public static SyncFilter none() {
        return of(MatrixJson.mapper().createObjectNode());
    }

    /** Throws {@link InvalidFilter} when a field has the wrong type: what {@code POST /user/{userId}/filter} refuses. */
    public static void check(JsonNode json) {
        FilterValidation.check(json);
    }

    /** The filter of valid JSON; {@link InvalidFilter} otherwise. */
    public static SyncFilter of(JsonNode json) {
        check(json);
        JsonNode room = json.path("room");
        return new SyncFilter(EventFilter.of(json.path("presence")), EventFilter.of(json.path("account_data")),
                new RoomFilter(optionalStrings(room.path("rooms")), strings(room.path("not_rooms")), room.path("include_leave").asBoolean(false),
                        EventFilter.of(room.path("timeline")), EventFilter.of(room.path("state")), EventFilter.of(room.path("ephemeral")),
                        EventFilter.of(room.path("account_data"))),
                strings(json.path("event_fields")).stream().map(SyncFilter::path).toList(),
                json.path("event_format").asText("client").equals("federation"));
    }

    /** What a client event always keeps: the fields its schema requires, and {@code state_key}, without which a state event means nothing. */
    private static final List<String> ALWAYS = List.of("event_id", "sender", "origin_server_ts", "type", "state_key");

    /**
     * The event with only the {@code event_fields} paths (all of it when there are none);
     * {@code \.} escapes a dot in a name. As the spec allows, more is kept: the fields the event
     * schema requires ({@code content} at least as an empty object) and {@code state_key}.
     */
    public JsonNode fields(JsonNode event) {
        if (eventFields.isEmpty() || !event.isObject()) {
            return event;
        }
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        for (String field : ALWAYS) {
            if (event.has(field)) {
                out.set(field, event.get(field));
            }
        }
        out.putObject("content");
        for (List<String> path : eventFields) {
            JsonNode source = event;
            ObjectNode target = out;
            for (int i = 0; i < path.size() && source.isObject(); i++) {
                JsonNode next = source.get(path.get(i));
                if (next == null) {
                    break;
                }
                if (i == path.size() - 1) {
                    target.set(path.get(i), next.deepCopy());
                } else {
                    target = target.get(path.get(i)) instanceof ObjectNode o ? o : target.putObject(path.get(i));
                }
                source = next;
            }
        }
        return out;
    }

    private static List<String> path(String field) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 1 < field.length() && field.charAt(i + 1) == '.') {
                part.append('.');
                i++;
            } else if (c == '.') {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }

    private static Optional<List<String>> optionalStrings(JsonNode array) {
        return array.isArray() ? Optional.of(strings(array)) : Optional.empty();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
