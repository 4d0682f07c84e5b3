package dev.mxspec.client.sdk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.json.MatrixJson;

/** Message contents for the relation features of v1.4 and v1.7: replies, edits, reactions, threads, mentions. */
public final class Content {

    private Content() {}

    public static ObjectNode text(String body) {
        ObjectNode c = MatrixJson.mapper().createObjectNode().put("msgtype", "m.text").put("body", body);
        c.putObject("m.mentions");
        return c;
    }

    /** A reply: {@code m.relates_to.m.in_reply_to}. */
    public static ObjectNode reply(String body, String eventId) {
        ObjectNode c = text(body);
        c.putObject("m.relates_to").putObject("m.in_reply_to").put("event_id", eventId);
        return c;
    }

    /** An edit ({@code m.replace}): the fallback body with {@code * } and the new content. */
    public static ObjectNode edit(String newBody, String eventId) {
        ObjectNode c = text("* " + newBody);
        c.set("m.new_content", text(newBody));
        c.putObject("m.relates_to").put("rel_type", "m.replace").put("event_id", eventId);
        return c;
    }

    /** A reaction ({@code m.annotation}). */
    public static ObjectNode reaction(String eventId, String key) {
        ObjectNode c = MatrixJson.mapper().createObjectNode();
        c.putObject("m.relates_to").put("rel_type", "m.annotation").put("event_id", eventId).put("key", key);
        return c;
    }

    /** A message in a thread ({@code m.thread}), with the reply fallback to the root. */
    public static ObjectNode thread(String body, String rootId) {
        ObjectNode c = text(body);
        ObjectNode rel = c.putObject("m.relates_to").put("rel_type", "m.thread").put("event_id", rootId).put("is_falling_back", true);
        rel.putObject("m.in_reply_to").put("event_id", rootId);
        return c;
    }

    /** Mentions of users ({@code m.mentions}, v1.7); the content as it is without any. */
    public static ObjectNode mention(ObjectNode content, String... userIds) {
        if (userIds.length == 0) {
            return content;
        }
        var ids = content.withObjectProperty("m.mentions").putArray("user_ids");
        for (String id : userIds) {
            ids.add(id);
        }
        return content;
    }
}
