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

class AuthEventsTest {

    private static final ObjectNode CREATE = Events.create(ALICE, RoomVersions.V10);
    private static final ObjectNode LEVELS = Events.state("m.room.power_levels", ALICE, "", "{}");
    private static final ObjectNode BOB_JOINED = Events.member(BOB, BOB, "join");

    private static StateKey key(String type, String stateKey) {
        return new StateKey(type, stateKey);
    }

    @Test
    void aCreateEventCitesNothing() {
        assertThat(AuthEvents.selection(CREATE, RoomVersions.V10)).isEmpty();
    }

    @Test
    void aMessageCitesCreatePowerLevelsAndTheSendersMembership() {
        assertThat(AuthEvents.selection(Events.message(BOB), RoomVersions.V10)).containsExactly(
                key("m.room.create", ""), key("m.room.member", BOB), key("m.room.power_levels", ""));
    }

    @Test
    void aThirdPartyInviteCitesTheTargetJoinRulesAndTheInviteToken() {
        ObjectNode invite = Events.state("m.room.member", BOB, CAROL, "{'membership': 'invite',"
                + " 'third_party_invite': {'signed': {'mxid': '" + CAROL + "', 'token': 'tok'}}}");

        assertThat(AuthEvents.selection(invite, RoomVersions.V10)).containsExactly(
                key("m.room.create", ""), key("m.room.join_rules", ""), key("m.room.member", BOB),
                key("m.room.member", CAROL), key("m.room.power_levels", ""), key("m.room.third_party_invite", "tok"));
    }

    @Test
    void aKnockCitesTheJoinRulesFromVersionSeven() {
        ObjectNode knock = Events.member(CAROL, CAROL, "knock");

        assertThat(AuthEvents.selection(knock, RoomVersions.V7)).containsExactly(
                key("m.room.create", ""), key("m.room.join_rules", ""), key("m.room.member", CAROL),
                key("m.room.power_levels", ""));
        assertThat(AuthEvents.selection(knock, RoomVersions.V6)).containsExactly(
                key("m.room.create", ""), key("m.room.member", CAROL), key("m.room.power_levels", ""));
    }

    @Test
    void aLeaveCitesNoJoinRules() {
        assertThat(AuthEvents.selection(Events.member(MOD, BOB, "leave"), RoomVersions.V10)).containsExactly(
                key("m.room.create", ""), key("m.room.member", BOB), key("m.room.member", MOD),
                key("m.room.power_levels", ""));
    }

    @Test
    void aRestrictedJoinCitesTheAuthorisersMembershipFromVersionEight() {
        ObjectNode join = Events.state("m.room.member", CAROL, CAROL, "{'membership': 'join',"
                + " 'join_authorised_via_users_server': '" + MOD + "'}");

        assertThat(AuthEvents.selection(join, RoomVersions.V8)).containsExactly(
                key("m.room.create", ""), key("m.room.join_rules", ""), key("m.room.member", CAROL),
                key("m.room.member", MOD), key("m.room.power_levels", ""));
        assertThat(AuthEvents.selection(join, RoomVersions.V7)).containsExactly(
                key("m.room.create", ""), key("m.room.join_rules", ""), key("m.room.member", CAROL),
                key("m.room.power_levels", ""));
    }

    @Test
    void citingTheSelectedEventsIsAllowed() {
        assertThat(AuthEvents.check(Events.message(BOB), List.of(CREATE, LEVELS, BOB_JOINED), RoomVersions.V10))
                .isEqualTo(AuthResult.allowed());
        assertThat(AuthEvents.check(CREATE, List.of(), RoomVersions.V10)).isEqualTo(AuthResult.allowed());
    }

    @Test
    void twoEventsForOneStateKeyAreRefused() {
        assertThat(AuthEvents.check(Events.message(BOB), List.of(CREATE, BOB_JOINED, BOB_JOINED), RoomVersions.V10))
                .isEqualTo(AuthResult.refused(AuthRule.AUTH_EVENTS,
                        "two auth events for m.room.member (state key '@bob:hs1')"));
    }

    @Test
    void anEventOutsideTheSelectionIsRefused() {
        ObjectNode joinRules = Events.state("m.room.join_rules", ALICE, "", "{'join_rule': 'public'}");

        assertThat(AuthEvents.check(Events.message(BOB), List.of(CREATE, joinRules), RoomVersions.V10))
                .isEqualTo(AuthResult.refused(AuthRule.AUTH_EVENTS,
                        "auth event m.room.join_rules (state key '') is not one this event needs"));
    }

    @Test
    void aMissingCreateEventIsRefused() {
        assertThat(AuthEvents.check(Events.message(BOB), List.of(LEVELS, BOB_JOINED), RoomVersions.V10))
                .isEqualTo(AuthResult.refused(AuthRule.AUTH_EVENTS, "no m.room.create event among the auth events"));
    }

    @Test
    void aCreateEventCitingAnythingIsRefused() {
        assertThat(AuthEvents.check(CREATE, List.of(LEVELS), RoomVersions.V10))
                .isEqualTo(AuthResult.refused(AuthRule.AUTH_EVENTS, "m.room.create must have no auth events"));
    }

    @Test
    void theCitedEventsMakeTheStateTheRulesRead() {
        AuthState state = AuthState.of(List.of(CREATE, LEVELS, BOB_JOINED), ServerKeys.none());

        assertThat(AuthRules.check(Events.message(BOB), state, RoomVersions.V10)).isEqualTo(AuthResult.allowed());
        assertThat(state.membership(BOB)).isEqualTo(Membership.JOIN);
        assertThat(state.membership(CAROL)).isEqualTo(Membership.LEAVE);
        assertThat(state.creator()).contains(ALICE);
    }
}
