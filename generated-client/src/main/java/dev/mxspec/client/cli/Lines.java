package dev.mxspec.client.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** One event as a line a person reads. */
final class Lines {

    private Lines() {}

    /** An event with its latest edit applied (marked "(edited)"). */
    static String shown(dev.mxspec.spec.v1_7.clientserver.ClientEvent e) {
        String line = of(e.sender(), e.type(), dev.mxspec.client.sdk.Threads.shownContent(e));
        return dev.mxspec.client.sdk.Threads.edited(e) ? line + " (edited)" : line;
    }

    /** Reaction counts as {@code " [👍 2, 🎉 1]"}; empty without any. */
    static String reactions(java.util.Map<String, Integer> counts) {
        if (counts.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder(" [");
        counts.forEach((key, n) -> out.append(out.length() > 2 ? ", " : "").append(key).append(' ').append(n));
        return out.append(']').toString();
    }

    static String of(String sender, String type, JsonNode content) {
        JsonNode rel = content.path("m.relates_to");
        return switch (type) {
            case "m.room.message" -> {
                String relation = switch (rel.path("rel_type").asText("")) {
                    case "m.replace" -> " (edit of " + rel.path("event_id").asText() + ")";
                    case "m.thread" -> " (in thread " + rel.path("event_id").asText() + ")";
                    default -> rel.has("m.in_reply_to") ? " (reply to " + rel.path("m.in_reply_to").path("event_id").asText() + ")" : "";
                };
                yield sender + ": " + content.path("body").asText() + relation;
            }
            case "m.reaction" -> sender + " reacted " + rel.path("key").asText() + " to " + rel.path("event_id").asText();
            case "m.room.member" -> sender + " " + content.path("membership").asText();
            default -> sender + " [" + type + "]";
        };
    }
}
