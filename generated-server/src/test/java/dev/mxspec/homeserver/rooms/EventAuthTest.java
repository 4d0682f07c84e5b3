package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Room.ALICE;
import static dev.mxspec.homeserver.rooms.Room.BOB;
import static dev.mxspec.homeserver.rooms.Room.CAROL;
import static dev.mxspec.homeserver.rooms.Room.MOD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventAuthTest {

    private static final Room ROOM = Room.of(RoomVersions.V10, "public");

    private static ObjectNode state(String type, String sender, String stateKey, String content) {
        return Events.state(type, sender, stateKey, content);
    }

    private static Room withLevels(String content) {
        return ROOM.with(state("m.room.power_levels", ALICE, "", content));
    }

    @Test
    void aMemberSendsAMessage() {
        assertThat(ROOM.check(Events.message(BOB))).isEqualTo(AuthResult.allowed());
    }

    @Test
    void aSenderWhoIsNotJoinedIsRefused() {
        assertThat(ROOM.check(Events.message(CAROL)))
                .isEqualTo(AuthResult.refused(AuthRule.SENDER_NOT_JOINED, "sender is not joined to the room"));
        assertThat(ROOM.member(BOB, "leave").check(Events.message(BOB)))
                .isEqualTo(AuthResult.refused(AuthRule.SENDER_NOT_JOINED, "sender is not joined to the room"));
    }

    @Test
    void stateEventsNeedStateDefault() {
        ObjectNode name = state("m.room.name", BOB, "", "{'name': 'x'}");

        assertThat(ROOM.check(name)).isEqualTo(AuthResult.refused(AuthRule.REQUIRED_POWER_LEVEL,
                "power level too low to send m.room.name: needs 50, has 0"));
        assertThat(ROOM.check(state("m.room.name", MOD, "", "{'name': 'x'}"))).isEqualTo(AuthResult.allowed());
    }

    @Test
    void usersDefaultGivesEveryoneALevel() {
        assertThat(withLevels("{'users': {'" + ALICE + "': 100}, 'users_default': 50}")
                .check(state("m.room.name", BOB, "", "{'name': 'x'}"))).isEqualTo(AuthResult.allowed());
    }

    @Test
    void messagesNeedEventsDefault() {
        assertThat(withLevels("{'users': {'" + ALICE + "': 100}, 'events_default': 10}").check(Events.message(BOB)))
                .isEqualTo(AuthResult.refused(AuthRule.REQUIRED_POWER_LEVEL,
                        "power level too low to send m.room.message: needs 10, has 0"));
    }

    @Test
    void eventsEntriesOverrideTheDefaults() {
        Room room = withLevels("{'users': {'" + ALICE + "': 100}, 'events': {'m.room.topic': 0,"
                + " 'm.room.message': 20}}");

        assertThat(room.check(state("m.room.topic", BOB, "", "{'topic': 't'}"))).isEqualTo(AuthResult.allowed());
        assertThat(room.check(Events.message(BOB))).isEqualTo(AuthResult.refused(AuthRule.REQUIRED_POWER_LEVEL,
                "power level too low to send m.room.message: needs 20, has 0"));
    }

    @Test
    void withoutPowerLevelsOnlyTheCreatorSendsState() {
        Room room = Room.created(RoomVersions.V10).member(ALICE, "join").with(
                state("m.room.join_rules", ALICE, "", "{'join_rule': 'public'}")).member(BOB, "join");

        assertThat(room.check(state("m.room.topic", ALICE, "", "{'topic': 't'}"))).isEqualTo(AuthResult.allowed());
        assertThat(room.check(state("m.room.topic", BOB, "", "{'topic': 't'}"))).isEqualTo(AuthResult.refused(
                AuthRule.REQUIRED_POWER_LEVEL, "power level too low to send m.room.topic: needs 50, has 0"));
        assertThat(room.check(Events.message(BOB))).isEqualTo(AuthResult.allowed());
    }

    @Test
    void joinRulesAndHistoryVisibilityAreOrdinaryStateEvents() {
        ObjectNode joinRules = state("m.room.join_rules", BOB, "", "{'join_rule': 'invite'}");
        ObjectNode visibility = state("m.room.history_visibility", BOB, "", "{'history_visibility': 'joined'}");

        assertThat(ROOM.check(joinRules)).isEqualTo(AuthResult.refused(AuthRule.REQUIRED_POWER_LEVEL,
                "power level too low to send m.room.join_rules: needs 50, has 0"));
        assertThat(ROOM.check(visibility)).isEqualTo(AuthResult.refused(AuthRule.REQUIRED_POWER_LEVEL,
                "power level too low to send m.room.history_visibility: needs 50, has 0"));
        assertThat(ROOM.check(state("m.room.history_visibility", MOD, "", "{'history_visibility': 'joined'}")))
                .isEqualTo(AuthResult.allowed());
    }

    @Test
    void aStateKeyNamingAnotherUserIsRefused() {
        Room room = withLevels("{'users': {'" + ALICE + "': 100}, 'state_default': 0}");

        assertThat(room.check(state("org.example.status", BOB, ALICE, "{}"))).isEqualTo(AuthResult.refused(
                AuthRule.STATE_KEY_OWNER, "state key @alice:hs1 is a user ID other than the sender's"));
        assertThat(room.check(state("org.example.status", BOB, BOB, "{}"))).isEqualTo(AuthResult.allowed());
    }

    @Test
    void thirdPartyInviteEventsNeedTheInviteLevelOnly() {
        ObjectNode invite = state("m.room.third_party_invite", BOB, "tok", "{'display_name': 'd'}");

        assertThat(withLevels("{'users': {'" + ALICE + "': 100}, 'events': {'m.room.third_party_invite': 100}}")
                .check(invite)).isEqualTo(AuthResult.allowed());
        assertThat(withLevels("{'users': {'" + ALICE + "': 100}, 'invite': 50}").check(invite))
                .isEqualTo(AuthResult.refused(AuthRule.THIRD_PARTY_INVITE_EVENT,
                        "power level too low to send m.room.third_party_invite: needs 50, has 0"));
    }

    @Test
    void aRoomThatDoesNotFederateRefusesOtherServers() {
        ObjectNode create = Events.create(ALICE, RoomVersions.V10);
        ((ObjectNode) create.get("content")).put("m.federate", false);
        Room room = ROOM.with(create);

        assertThat(room.check(Events.member(CAROL, CAROL, "join"))).isEqualTo(AuthResult.refused(
                AuthRule.FEDERATION, "room does not federate and sender @carol:hs2 is not on the creator's server"));
        assertThat(room.check(Events.message(BOB))).isEqualTo(AuthResult.allowed());
    }

    @Test
    void aliasesHaveTheirOwnRuleUpToVersionFive() {
        Room room = Room.of(RoomVersions.V5, "public");

        assertThat(room.check(state("m.room.aliases", BOB, "hs1", "{'aliases': ['#a:hs1']}")))
                .isEqualTo(AuthResult.allowed());
        assertThat(room.check(state("m.room.aliases", CAROL, "hs2", "{'aliases': ['#a:hs2']}")))
                .isEqualTo(AuthResult.allowed());
        assertThat(room.check(state("m.room.aliases", BOB, "hs2", "{'aliases': ['#a:hs2']}")))
                .isEqualTo(AuthResult.refused(AuthRule.ALIASES,
                        "m.room.aliases state key hs2 is not the sender's server"));
    }

    @Test
    void aliasesAreOrdinaryStateFromVersionSix() {
        Room room = Room.of(RoomVersions.V6, "public");

        assertThat(room.check(state("m.room.aliases", CAROL, "hs2", "{'aliases': ['#a:hs2']}")))
                .isEqualTo(AuthResult.refused(AuthRule.SENDER_NOT_JOINED, "sender is not joined to the room"));
        assertThat(room.check(state("m.room.aliases", BOB, "hs1", "{'aliases': ['#a:hs1']}")))
                .isEqualTo(AuthResult.refused(AuthRule.REQUIRED_POWER_LEVEL,
                        "power level too low to send m.room.aliases: needs 50, has 0"));
    }

    @Test
    void withoutACreateEventNothingElseIsAllowed() {
        AuthState noState = AuthState.of(List.of(), ServerKeys.none());

        assertThat(AuthRules.check(Events.message(BOB), noState, RoomVersions.V10)).isEqualTo(AuthResult.refused(
                AuthRule.AUTH_EVENTS, "there is no m.room.create event in the room state"));
    }

    @Test
    void anEventWithoutSenderIsRefused() {
        ObjectNode message = Events.message(BOB);
        message.remove("sender");

        assertThat(ROOM.check(message))
                .isEqualTo(AuthResult.refused(AuthRule.EVENT_FORMAT, "event has no type or no sender"));
    }
}
