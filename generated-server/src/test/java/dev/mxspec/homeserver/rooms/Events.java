package dev.mxspec.homeserver.rooms;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.json.CanonicalJson;

/** Builds events for tests. JSON may be written with single quotes, which become double quotes. */
final class Events {

    static final String ROOM = "!room:hs1";

    private Events() {}

    /** Parses JSON written with {@code '} for {@code "}. */
    static ObjectNode json(String singleQuoted) {
        return (ObjectNode) CanonicalJson.parse(singleQuoted.replace('\'', '"'));
    }

    /** The create event of a room created by {@code creator}; versions 1 and 2 get an {@code event_id}. */
    static ObjectNode create(String creator, RoomVersion version) {
        ObjectNode event = event("m.room.create", creator, "", "{'creator': '" + creator + "', 'room_version': '"
                + version.id() + "'}");
        if (!version.eventIdFormat().isHash()) {
            event.put("event_id", "$create:hs1");
        }
        return event;
    }

    /** A state event. */
    static ObjectNode state(String type, String sender, String stateKey, String content) {
        return event(type, sender, stateKey, content);
    }

    /** An {@code m.room.member} event with only {@code membership} in its content. */
    static ObjectNode member(String sender, String target, String membership) {
        return event("m.room.member", sender, target, "{'membership': '" + membership + "'}");
    }

    /** An {@code m.room.message} event. */
    static ObjectNode message(String sender) {
        ObjectNode event = event("m.room.message", sender, null, "{'msgtype': 'm.text', 'body': 'hello'}");
        event.remove("state_key");
        return event;
    }

    private static ObjectNode event(String type, String sender, String stateKey, String content) {
        ObjectNode event = json("{'room_id': '" + ROOM + "', 'origin_server_ts': 1000, 'depth': 5,"
                + " 'prev_events': [], 'auth_events': []}");
        event.put("type", type);
        event.put("sender", sender);
        if (stateKey != null) {
            event.put("state_key", stateKey);
        }
        event.set("content", json(content));
        return event;
    }
}
