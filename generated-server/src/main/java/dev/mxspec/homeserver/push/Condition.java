package dev.mxspec.homeserver.push;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Pattern;

/** A push rule condition, compiled once (globs and paths parsed) and tested against many events and members. */
public sealed interface Condition {

    boolean test(JsonNode event, Recipient recipient, RoomFacts room);

    /**
     * Whether the outcome depends on the member the rules are evaluated for; the others give the same
     * answer for every member of an event's room, so one evaluation of an event tests each of them once.
     */
    default boolean perMember() {
        return false;
    }

    /** {@code event_match}: a glob on a string property; on {@code content.body} it matches at word boundaries. */
    record EventMatch(PropertyPath key, Glob pattern, boolean body) implements Condition {
        @Override
        public boolean test(JsonNode event, Recipient recipient, RoomFacts room) {
            JsonNode value = key.in(event);
            return value.isTextual() && (body ? pattern.matchesWords(value.asText()) : pattern.matches(value.asText()));
        }
    }

    /** {@code event_property_is}: exactly this string, integer, boolean or null. */
    record PropertyIs(PropertyPath key, JsonNode value) implements Condition {
        @Override
        public boolean test(JsonNode event, Recipient recipient, RoomFacts room) {
            JsonNode at = key.in(event);
            return !at.isMissingNode() && Values.scalar(at) && Values.same(at, value);
        }
    }

    /** {@code event_property_contains}: an array property holding exactly this value. */
    record PropertyContains(PropertyPath key, JsonNode value) implements Condition {
        @Override
        public boolean test(JsonNode event, Recipient recipient, RoomFacts room) {
            JsonNode at = key.in(event);
            if (!at.isArray()) {
                return false;
            }
            for (JsonNode item : at) {
                if (Values.scalar(item) && Values.same(item, value)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code contains_display_name}: the recipient's display name in the room, as words of {@code content.body}. */
    record ContainsDisplayName() implements Condition {
        @Override
        public boolean perMember() {
            return true;
        }

        @Override
        public boolean test(JsonNode event, Recipient recipient, RoomFacts room) {
            JsonNode body = event.path("content").path("body");
            return body.isTextual() && recipient.named(body.asText());
        }
    }

    /** {@code room_member_count}: {@code ==}, {@code <}, {@code >}, {@code <=}, {@code >=} a number. */
    record RoomMemberCount(String operator, long count) implements Condition {
        @Override
        public boolean test(JsonNode event, Recipient recipient, RoomFacts room) {
            long n = room.joinedMembers();
            return switch (operator) {
                case "<" -> n < count;
                case ">" -> n > count;
                case "<=" -> n <= count;
                case ">=" -> n >= count;
                default -> n == count;
            };
        }
    }

    /** {@code sender_notification_permission}: the sender's power reaches {@code notifications[key]}. */
    record SenderNotificationPermission(String key) implements Condition {
        @Override
        public boolean test(JsonNode event, Recipient recipient, RoomFacts room) {
            return room.senderLevel(event.path("sender").asText()) >= room.notificationLevel(key);
        }
    }

    /** An event has no {@code content.m.mentions}: the v1.7 condition of the deprecated body-matching rules. */
    record NoMentions() implements Condition {
        @Override
        public boolean test(JsonNode event, Recipient recipient, RoomFacts room) {
            return !event.path("content").has("m.mentions");
        }
    }

    /**
     * A condition on the member's own user ID or localpart, written in his rules as the value itself (as
     * the server's rules are: {@code state_key} is his ID, {@code m.mentions.user_ids} holds it, the body
     * holds his localpart). Compiled this way, the rules of all users are alike and shared.
     *
     * @param test {@code match} (the whole string, case-insensitive, as a glob without wildcards), {@code words}
     *     (words of the string, case-insensitive), {@code is} (exactly the string), {@code contains} (an array holding it)
     * @param localpart whether the value is the localpart rather than the whole user ID
     */
    record OfRecipient(String test, PropertyPath key, boolean localpart) implements Condition {
        @Override
        public boolean perMember() {
            return true;
        }

        @Override
        public boolean test(JsonNode event, Recipient recipient, RoomFacts room) {
            String own = localpart ? recipient.localpart() : recipient.userId();
            JsonNode at = key.in(event);
            return switch (test) {
                case "match" -> at.isTextual() && at.asText().equalsIgnoreCase(own);
                case "words" -> at.isTextual() && Words.contains(at.asText(), own);
                case "is" -> at.isTextual() && at.asText().equals(own);
                default -> {
                    if (at.isArray()) {
                        for (JsonNode item : at) {
                            if (item.isTextual() && item.asText().equals(own)) {
                                yield true;
                            }
                        }
                    }
                    yield false;
                }
            };
        }

        /** The condition on {@code userId}'s own ID or localpart that {@code c} is for that user, or {@code c} itself. */
        static Condition of(Condition c, String userId, String localpart) {
            return switch (c) {
                case EventMatch m when m.pattern().toString().equals(userId) -> new OfRecipient(m.body() ? "words" : "match", m.key(), false);
                case EventMatch m when m.pattern().toString().equals(localpart) && m.body() -> new OfRecipient("words", m.key(), true);
                case PropertyIs p when p.value().isTextual() && p.value().asText().equals(userId) -> new OfRecipient("is", p.key(), false);
                case PropertyContains p when p.value().isTextual() && p.value().asText().equals(userId)
                        -> new OfRecipient("contains", p.key(), false);
                default -> c;
            };
        }
    }

    /** A condition this server does not know, or a malformed one: it never matches, as the spec says. */
    record Never(String kind) implements Condition {
        @Override
        public boolean test(JsonNode event, Recipient recipient, RoomFacts room) {
            return false;
        }
    }

    /** Compiles a condition's JSON. */
    static Condition of(JsonNode json) {
        String kind = json.path("kind").asText("");
        return switch (kind) {
            case "event_match" -> json.path("key").isTextual() && json.path("pattern").isTextual()
                    ? new EventMatch(PropertyPath.parse(json.get("key").asText()), Glob.of(json.get("pattern").asText()),
                            json.get("key").asText().equals("content.body"))
                    : new Never(kind);
            case "event_property_is" -> json.path("key").isTextual() && json.has("value") && Values.scalar(json.get("value"))
                    ? new PropertyIs(PropertyPath.parse(json.get("key").asText()), json.get("value")) : new Never(kind);
            case "event_property_contains" -> json.path("key").isTextual() && json.has("value") && Values.scalar(json.get("value"))
                    ? new PropertyContains(PropertyPath.parse(json.get("key").asText()), json.get("value")) : new Never(kind);
            case "contains_display_name" -> new ContainsDisplayName();
            case "room_member_count" -> memberCount(json.path("is").asText(""));
            case "sender_notification_permission" -> json.path("key").isTextual()
                    ? new SenderNotificationPermission(json.get("key").asText()) : new Never(kind);
            default -> new Never(kind);
        };
    }

    private static Condition memberCount(String is) {
        java.util.regex.Matcher m = Pattern.compile("(==|<=|>=|<|>)?([0-9]{1,18})").matcher(is);
        return m.matches() ? new RoomMemberCount(m.group(1) == null ? "==" : m.group(1), Long.parseLong(m.group(2)))
                : new Never("room_member_count");
    }
}
