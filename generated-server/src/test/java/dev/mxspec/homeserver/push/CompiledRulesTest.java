package dev.mxspec.homeserver.push;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The v1.7 server-default rules and the condition kinds, evaluated as the "Push Rules" section describes. */
class CompiledRulesTest {

    private static final String ALICE = "@alice:example.org";
    private static final Recipient RECIPIENT = Recipient.of(ALICE, Optional.of("Alice Liddell"));

    /** A room of {@code members} where the named users have power levels; {@code notifications.room} 50. */
    private static RoomFacts room(long members, Map<String, Long> levels) {
        return new RoomFacts() {
            @Override
            public long joinedMembers() {
                return members;
            }

            @Override
            public long senderLevel(String sender) {
                return levels.getOrDefault(sender, 0L);
            }

            @Override
            public long notificationLevel(String key) {
                return 50;
            }
        };
    }

    private static final RoomFacts GROUP = room(5, Map.of("@mod:example.org", 50L));

    private static JsonNode event(String json) throws Exception {
        return MatrixJson.mapper().readTree(json);
    }

    private static JsonNode message(String body) throws Exception {
        return event("{\"type\":\"m.room.message\",\"sender\":\"@bob:example.org\",\"room_id\":\"!r:example.org\","
                + "\"content\":{\"msgtype\":\"m.text\",\"body\":" + MatrixJson.mapper().writeValueAsString(body) + "}}");
    }

    private static String ruleFor(JsonNode event, RoomFacts room) {
        return CompiledRules.compile(DefaultRules.forUser(ALICE)).match(event, RECIPIENT, room).map(CompiledRules.Rule::ruleId)
                .orElse("none");
    }

    @Test
    void plainMessagesNotifyWithoutHighlightAndOneToOneRoomsWithSound() throws Exception {
        CompiledRules rules = CompiledRules.compile(DefaultRules.forUser(ALICE));
        Actions group = rules.actions(message("lunch?"), RECIPIENT, GROUP);
        assertThat(group.notifies()).isTrue();
        assertThat(group.highlight()).isFalse();
        assertThat(group.sound()).isEmpty();
        assertThat(ruleFor(message("lunch?"), GROUP)).isEqualTo(".m.rule.message");
        Actions direct = rules.actions(message("lunch?"), RECIPIENT, room(2, Map.of()));
        assertThat(ruleFor(message("lunch?"), room(2, Map.of()))).isEqualTo(".m.rule.room_one_to_one");
        assertThat(direct.sound()).contains("default");
        assertThat(ruleFor(event("{\"type\":\"m.room.encrypted\",\"sender\":\"@bob:example.org\",\"content\":{}}"), room(2, Map.of())))
                .isEqualTo(".m.rule.encrypted_room_one_to_one");
    }

    @Test
    void noticesReactionsAndMemberEventsDoNotNotify() throws Exception {
        JsonNode notice = event("{\"type\":\"m.room.message\",\"sender\":\"@bot:example.org\",\"content\":{\"msgtype\":\"m.notice\","
                + "\"body\":\"Alice Liddell\"}}");
        assertThat(ruleFor(notice, GROUP)).isEqualTo(".m.rule.suppress_notices");
        assertThat(CompiledRules.compile(DefaultRules.forUser(ALICE)).actions(notice, RECIPIENT, GROUP).notifies()).isFalse();
        assertThat(ruleFor(event("{\"type\":\"m.reaction\",\"sender\":\"@bob:example.org\",\"content\":{}}"), GROUP))
                .isEqualTo(".m.rule.reaction");
        assertThat(ruleFor(event("{\"type\":\"m.room.member\",\"state_key\":\"@carol:example.org\",\"sender\":\"@carol:example.org\","
                + "\"content\":{\"membership\":\"join\"}}"), GROUP)).isEqualTo(".m.rule.member_event");
        assertThat(ruleFor(event("{\"type\":\"m.room.member\",\"state_key\":\"" + ALICE + "\",\"sender\":\"@bob:example.org\","
                + "\"content\":{\"membership\":\"invite\"}}"), GROUP)).isEqualTo(".m.rule.invite_for_me");
    }

    @Test
    void intentionalMentionsHighlightAndTurnOffBodyMatching() throws Exception {
        JsonNode mentioned = event("{\"type\":\"m.room.message\",\"sender\":\"@bob:example.org\",\"content\":{\"msgtype\":\"m.text\","
                + "\"body\":\"hi\",\"m.mentions\":{\"user_ids\":[\"" + ALICE + "\"]}}}");
        assertThat(ruleFor(mentioned, GROUP)).isEqualTo(".m.rule.is_user_mention");
        // v1.7: the body names her, but the event says whom it mentions, and that is not her
        JsonNode other = event("{\"type\":\"m.room.message\",\"sender\":\"@bob:example.org\",\"content\":{\"msgtype\":\"m.text\","
                + "\"body\":\"Alice Liddell and alice\",\"m.mentions\":{\"user_ids\":[\"@carol:example.org\"]}}}");
        assertThat(ruleFor(other, GROUP)).isEqualTo(".m.rule.message");
        // without m.mentions, the display name and the localpart in the body still highlight
        assertThat(ruleFor(message("is alice liddell here?"), GROUP)).isEqualTo(".m.rule.contains_display_name");
        assertThat(ruleFor(message("ask alice!"), GROUP)).isEqualTo(".m.rule.contains_user_name");
        assertThat(ruleFor(message("malice aforethought"), GROUP)).as("word boundaries").isEqualTo(".m.rule.message");
        assertThat(CompiledRules.compile(DefaultRules.forUser(ALICE)).actions(message("ask alice!"), RECIPIENT, GROUP).highlight())
                .isTrue();
    }

    @Test
    void roomMentionsNeedTheSendersPower() throws Exception {
        assertThat(ruleFor(message("@room lunch"), GROUP)).isEqualTo(".m.rule.message");
        JsonNode fromMod = event("{\"type\":\"m.room.message\",\"sender\":\"@mod:example.org\",\"content\":{\"msgtype\":\"m.text\","
                + "\"body\":\"@room lunch\"}}");
        assertThat(ruleFor(fromMod, GROUP)).isEqualTo(".m.rule.roomnotif");
        JsonNode intentional = event("{\"type\":\"m.room.message\",\"sender\":\"@mod:example.org\",\"content\":{\"msgtype\":\"m.text\","
                + "\"body\":\"lunch\",\"m.mentions\":{\"room\":true}}}");
        assertThat(ruleFor(intentional, GROUP)).isEqualTo(".m.rule.is_room_mention");
        JsonNode tombstone = event("{\"type\":\"m.room.tombstone\",\"state_key\":\"\",\"sender\":\"@mod:example.org\",\"content\":{}}");
        assertThat(ruleFor(tombstone, GROUP)).isEqualTo(".m.rule.tombstone");
    }

    @Test
    void theMasterRuleSilencesEverythingAndUserRulesComeFirst() throws Exception {
        ObjectNode global = DefaultRules.forUser(ALICE);
        ((ObjectNode) global.path("override").get(0)).put("enabled", true);
        assertThat(CompiledRules.compile(global).actions(message("ask alice!"), RECIPIENT, GROUP).notifies()).isFalse();

        ObjectNode mine = DefaultRules.forUser(ALICE);
        ObjectNode mute = MatrixJson.mapper().createObjectNode().put("rule_id", "!r:example.org").put("default", false).put("enabled", true);
        mute.putArray("actions");
        ((ArrayNode) mine.path("room")).add(mute);
        assertThat(CompiledRules.compile(mine).match(message("lunch"), RECIPIENT, GROUP).map(CompiledRules.Rule::ruleId))
                .contains("!r:example.org");
        assertThat(CompiledRules.compile(mine).actions(message("ask alice"), RECIPIENT, GROUP).highlight())
                .as("override and content rules come before room rules").isTrue();
    }

    @Test
    void conditionsMatchAsTheSpecDefinesThem() throws Exception {
        JsonNode topic = event("{\"type\":\"m.room.topic\",\"content\":{\"topic\":\"Lunch plans\",\"m.federate\":true,\"n\":1,"
                + "\"m\\\\foo\":\"x\",\"alt\":[\"#a:b\",\"#myroom:example.com\",{\"x\":1}]}}");
        Recipient r = RECIPIENT;
        assertThat(Condition.of(event("{\"kind\":\"event_match\",\"key\":\"content.topic\",\"pattern\":\"lunc?*\"}")).test(topic, r, GROUP))
                .isTrue();
        for (String value : new String[] {"\" lunch\"", "\"lunc\"", "null"}) {
            JsonNode e = event("{\"content\":{\"topic\":" + value + "}}");
            assertThat(Condition.of(event("{\"kind\":\"event_match\",\"key\":\"content.topic\",\"pattern\":\"lunc?*\"}")).test(e, r, GROUP))
                    .as(value).isFalse();
        }
        assertThat(Condition.of(event("{\"kind\":\"event_match\",\"key\":\"content.missing\",\"pattern\":\"*\"}")).test(topic, r, GROUP))
                .isFalse();
        assertThat(Condition.of(event("{\"kind\":\"event_property_is\",\"key\":\"content.m\\\\.federate\",\"value\":true}"))
                .test(topic, r, GROUP)).isTrue();
        assertThat(Condition.of(event("{\"kind\":\"event_property_is\",\"key\":\"content.m\\\\.federate\",\"value\":\"true\"}"))
                .test(topic, r, GROUP)).isFalse();
        assertThat(Condition.of(event("{\"kind\":\"event_property_is\",\"key\":\"content.n\",\"value\":true}")).test(topic, r, GROUP))
                .as("no casting").isFalse();
        assertThat(Condition.of(event("{\"kind\":\"event_property_is\",\"key\":\"content.m\\\\\\\\foo\",\"value\":\"x\"}"))
                .test(topic, r, GROUP)).as("an escaped backslash").isTrue();
        assertThat(Condition.of(event("{\"kind\":\"event_property_contains\",\"key\":\"content.alt\",\"value\":\"#myroom:example.com\"}"))
                .test(topic, r, GROUP)).isTrue();
        assertThat(Condition.of(event("{\"kind\":\"event_property_contains\",\"key\":\"content.alt\",\"value\":\":example.com\"}"))
                .test(topic, r, GROUP)).isFalse();
        assertThat(Condition.of(event("{\"kind\":\"room_member_count\",\"is\":\">=5\"}")).test(topic, r, GROUP)).isTrue();
        assertThat(Condition.of(event("{\"kind\":\"room_member_count\",\"is\":\"<5\"}")).test(topic, r, GROUP)).isFalse();
        assertThat(Condition.of(event("{\"kind\":\"room_member_count\",\"is\":\"five\"}")).test(topic, r, GROUP)).isFalse();
        assertThat(Condition.of(event("{\"kind\":\"org.example.unknown\"}")).test(topic, r, GROUP)).as("unknown kinds never match")
                .isFalse();
        assertThat(PropertyPath.parse("content.m\\.relates_to.rel_type").names()).containsExactly("content", "m.relates_to", "rel_type");
        assertThat(PropertyPath.parse("a\\xb").names()).containsExactly("a\\xb");
    }

    @Test
    void usersWhoKeptTheServerRulesShareOneCompiledSetThatDecidesAsTheirOwnWould() throws Exception {
        String bobId = "@bob_smith:example.org";
        CompiledRules alice = CompiledRules.compile(DefaultRules.forUser(ALICE), ALICE);
        CompiledRules bob = CompiledRules.compile(DefaultRules.forUser(bobId), bobId);
        assertThat(bob).as("one set for both").isSameAs(alice);
        ObjectNode changed = DefaultRules.forUser(bobId);
        ((ObjectNode) changed.path("underride").get(3)).put("enabled", false);
        assertThat(CompiledRules.compile(changed, bobId)).as("a changed rule makes a set of its own").isNotSameAs(alice);

        Recipient bobRecipient = Recipient.of(bobId, Optional.of("Bob"));
        java.util.List<JsonNode> events = java.util.List.of(message("lunch?"), message("ask alice!"), message("ask bob_smith"),
                message("Bob, lunch"), message("bobXsmith"), message("@room now"),
                event("{\"type\":\"m.room.message\",\"sender\":\"@carol:example.org\",\"room_id\":\"!r:example.org\","
                        + "\"content\":{\"msgtype\":\"m.text\",\"body\":\"hi\",\"m.mentions\":{\"user_ids\":[\"" + bobId + "\"]}}}"),
                event("{\"type\":\"m.room.member\",\"sender\":\"@carol:example.org\",\"room_id\":\"!r:example.org\","
                        + "\"state_key\":\"" + bobId + "\",\"content\":{\"membership\":\"invite\"}}"),
                event("{\"type\":\"m.room.member\",\"sender\":\"@carol:example.org\",\"room_id\":\"!r:example.org\","
                        + "\"state_key\":\"" + ALICE + "\",\"content\":{\"membership\":\"invite\"}}"));
        for (JsonNode e : events) {
            for (RoomFacts room : java.util.List.of(GROUP, room(2, Map.of()))) {
                for (Recipient r : java.util.List.of(RECIPIENT, bobRecipient)) {
                    Actions asWritten = CompiledRules.compile(DefaultRules.forUser(r.userId())).actions(e, r, room);
                    Actions shared = alice.forEvent(e, room, new java.util.IdentityHashMap<>()).actions(e, r, room);
                    assertThat(shared).as(r.userId() + " " + e).isEqualTo(asWritten);
                }
            }
        }
    }
}
