package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Events.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class RedactionTest {

    private static final String ENVELOPE = "'room_id': '!r:hs1', 'sender': '@a:hs1', 'origin': 'hs1',"
            + " 'origin_server_ts': 1, 'depth': 3, 'prev_events': ['$p'], 'auth_events': ['$a'],"
            + " 'hashes': {'sha256': 'h'}, 'signatures': {'hs1': {'ed25519:1': 's'}}";

    private static ObjectNode event(String type, String stateKey, String content) {
        return json("{" + ENVELOPE + ", 'type': '" + type + "', 'state_key': '" + stateKey + "', 'content': "
                + content + ", 'unsigned': {'age': 4}, 'custom': 'x', 'event_id': '$e:hs1', 'membership': 'join',"
                + " 'prev_state': []}");
    }

    private static ObjectNode redacted(String type, String stateKey, String content) {
        return json("{" + ENVELOPE + ", 'type': '" + type + "', 'state_key': '" + stateKey + "', 'content': "
                + content + ", 'event_id': '$e:hs1', 'membership': 'join', 'prev_state': []}");
    }

    @Test
    void messageLosesItsContentUnsignedAndUnknownKeys() {
        ObjectNode message = json("{" + ENVELOPE + ", 'type': 'm.room.message', 'content': {'body': 'hi'},"
                + " 'unsigned': {'age': 4}, 'custom': 'x'}");

        assertThat(Redaction.redact(message, RoomVersions.V10))
                .isEqualTo(json("{" + ENVELOPE + ", 'type': 'm.room.message', 'content': {}}"));
    }

    @Test
    void leavesTheArgumentUntouched() {
        ObjectNode message = json("{'type': 'm.room.message', 'content': {'body': 'hi'}}");

        Redaction.redact(message, RoomVersions.V1);

        assertThat(message).isEqualTo(json("{'type': 'm.room.message', 'content': {'body': 'hi'}}"));
    }

    @Test
    void createKeepsOnlyTheCreatorSoTheRoomVersionIsLost() {
        assertThat(Redaction.redact(event("m.room.create", "", "{'creator': '@a:hs1', 'room_version': '10',"
                + " 'm.federate': false}"), RoomVersions.V10))
                .isEqualTo(redacted("m.room.create", "", "{'creator': '@a:hs1'}"));
    }

    @Test
    void powerLevelsKeepTheirLevelsButNotInviteNorNotifications() {
        String levels = "'ban': 50, 'events': {'m.room.name': 100}, 'events_default': 0, 'kick': 50,"
                + " 'redact': 50, 'state_default': 50, 'users': {'@a:hs1': 100}, 'users_default': 0";

        assertThat(Redaction.redact(event("m.room.power_levels", "", "{" + levels + ", 'invite': 0,"
                + " 'notifications': {'room': 50}, 'historical': 100}"), RoomVersions.V10))
                .isEqualTo(redacted("m.room.power_levels", "", "{" + levels + "}"));
    }

    @Test
    void historyVisibilityKeepsItsSetting() {
        assertThat(Redaction.redact(event("m.room.history_visibility", "", "{'history_visibility': 'shared',"
                + " 'other': 1}"), RoomVersions.V1))
                .isEqualTo(redacted("m.room.history_visibility", "", "{'history_visibility': 'shared'}"));
    }

    @Test
    void aliasesAreProtectedUpToVersionFiveOnly() {
        ObjectNode aliases = event("m.room.aliases", "hs1", "{'aliases': ['#a:hs1']}");

        assertThat(Redaction.redact(aliases, RoomVersions.V5))
                .isEqualTo(redacted("m.room.aliases", "hs1", "{'aliases': ['#a:hs1']}"));
        assertThat(Redaction.redact(aliases, RoomVersions.V6))
                .isEqualTo(redacted("m.room.aliases", "hs1", "{}"));
    }

    @Test
    void joinRulesKeepAllowFromVersionEight() {
        ObjectNode joinRules = event("m.room.join_rules", "", "{'join_rule': 'restricted',"
                + " 'allow': [{'type': 'm.room_membership', 'room_id': '!o:hs1'}]}");

        assertThat(Redaction.redact(joinRules, RoomVersions.V7))
                .isEqualTo(redacted("m.room.join_rules", "", "{'join_rule': 'restricted'}"));
        assertThat(Redaction.redact(joinRules, RoomVersions.V8))
                .isEqualTo(redacted("m.room.join_rules", "", "{'join_rule': 'restricted',"
                        + " 'allow': [{'type': 'm.room_membership', 'room_id': '!o:hs1'}]}"));
    }

    @Test
    void membersKeepTheJoinAuthoriserFromVersionNine() {
        ObjectNode member = event("m.room.member", "@a:hs1", "{'membership': 'join', 'displayname': 'A',"
                + " 'join_authorised_via_users_server': '@b:hs2'}");

        assertThat(Redaction.redact(member, RoomVersions.V8))
                .isEqualTo(redacted("m.room.member", "@a:hs1", "{'membership': 'join'}"));
        assertThat(Redaction.redact(member, RoomVersions.V9))
                .isEqualTo(redacted("m.room.member", "@a:hs1", "{'membership': 'join',"
                        + " 'join_authorised_via_users_server': '@b:hs2'}"));
    }
}
