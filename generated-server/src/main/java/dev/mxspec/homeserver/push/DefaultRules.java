package dev.mxspec.homeserver.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.List;

/**
 * The server-default push rules of Matrix v1.7 ("Predefined Rules"), for one user: the user's ID
 * and localpart filled in where the spec writes {@code [the user's Matrix ID]}. Rule IDs start with
 * a dot; the server keeps them, users may disable them or change their actions.
 */
public final class DefaultRules {

    /** Body-matching rules that v1.7 applies only to events without {@code m.mentions}. */
    public static final List<String> LEGACY_MENTION_RULES = List.of(".m.rule.contains_display_name", ".m.rule.roomnotif",
            ".m.rule.contains_user_name");

    private DefaultRules() {}

    /** {@code {"override": [...], "content": [...], "room": [], "sender": [], "underride": [...]}} for {@code userId}. */
    public static ObjectNode forUser(String userId) {
        String localpart = Recipient.of(userId, java.util.Optional.empty()).localpart();
        ObjectNode global = MatrixJson.mapper().createObjectNode();
        ArrayNode override = global.putArray("override");
        override.add(rule(".m.rule.master", false, actions()));
        override.add(rule(".m.rule.suppress_notices", true, actions(), match("content.msgtype", "m.notice")));
        override.add(rule(".m.rule.invite_for_me", true, actions("notify", sound("default")), match("type", "m.room.member"),
                match("content.membership", "invite"), match("state_key", userId)));
        override.add(rule(".m.rule.member_event", true, actions(), match("type", "m.room.member")));
        override.add(rule(".m.rule.is_user_mention", true, actions("notify", sound("default"), highlight()),
                property("event_property_contains", "content.m\\.mentions.user_ids", MatrixJson.mapper().getNodeFactory().textNode(userId))));
        override.add(rule(".m.rule.contains_display_name", true, actions("notify", sound("default"), highlight()),
                MatrixJson.mapper().createObjectNode().put("kind", "contains_display_name")));
        override.add(rule(".m.rule.is_room_mention", true, actions("notify", highlight()),
                property("event_property_is", "content.m\\.mentions.room", MatrixJson.mapper().getNodeFactory().booleanNode(true)),
                MatrixJson.mapper().createObjectNode().put("kind", "sender_notification_permission").put("key", "room")));
        override.add(rule(".m.rule.roomnotif", true, actions("notify", highlight()), match("content.body", "@room"),
                MatrixJson.mapper().createObjectNode().put("kind", "sender_notification_permission").put("key", "room")));
        override.add(rule(".m.rule.tombstone", true, actions("notify", highlight()), match("type", "m.room.tombstone"),
                match("state_key", "")));
        override.add(rule(".m.rule.reaction", true, actions(), match("type", "m.reaction")));
        override.add(rule(".m.rule.room.server_acl", true, actions(), match("type", "m.room.server_acl"), match("state_key", "")));

        ObjectNode userName = MatrixJson.mapper().createObjectNode().put("rule_id", ".m.rule.contains_user_name").put("default", true)
                .put("enabled", true).put("pattern", localpart);
        userName.set("actions", actions("notify", sound("default"), highlight()));
        global.putArray("content").add(userName);
        global.putArray("room");
        global.putArray("sender");

        ArrayNode underride = global.putArray("underride");
        underride.add(rule(".m.rule.call", true, actions("notify", sound("ring")), match("type", "m.call.invite")));
        underride.add(rule(".m.rule.encrypted_room_one_to_one", true, actions("notify", sound("default")), memberCount("2"),
                match("type", "m.room.encrypted")));
        underride.add(rule(".m.rule.room_one_to_one", true, actions("notify", sound("default")), memberCount("2"),
                match("type", "m.room.message")));
        underride.add(rule(".m.rule.message", true, actions("notify"), match("type", "m.room.message")));
        underride.add(rule(".m.rule.encrypted", true, actions("notify"), match("type", "m.room.encrypted")));
        return global;
    }

    private static ObjectNode rule(String id, boolean enabled, ArrayNode actions, ObjectNode... conditions) {
        ObjectNode rule = MatrixJson.mapper().createObjectNode().put("rule_id", id).put("default", true).put("enabled", enabled);
        ArrayNode list = rule.putArray("conditions");
        for (ObjectNode c : conditions) {
            list.add(c);
        }
        rule.set("actions", actions);
        return rule;
    }

    private static ObjectNode match(String key, String pattern) {
        return MatrixJson.mapper().createObjectNode().put("kind", "event_match").put("key", key).put("pattern", pattern);
    }

    private static ObjectNode property(String kind, String key, JsonNode value) {
        ObjectNode c = MatrixJson.mapper().createObjectNode().put("kind", kind).put("key", key);
        c.set("value", value);
        return c;
    }

    private static ObjectNode memberCount(String is) {
        return MatrixJson.mapper().createObjectNode().put("kind", "room_member_count").put("is", is);
    }

    private static ArrayNode actions(Object... actions) {
        ArrayNode list = MatrixJson.mapper().createArrayNode();
        for (Object a : actions) {
            if (a instanceof String s) {
                list.add(s);
            } else {
                list.add((JsonNode) a);
            }
        }
        return list;
    }

    private static ObjectNode sound(String sound) {
        return MatrixJson.mapper().createObjectNode().put("set_tweak", "sound").put("value", sound);
    }

    private static ObjectNode highlight() {
        return MatrixJson.mapper().createObjectNode().put("set_tweak", "highlight");
    }
}
