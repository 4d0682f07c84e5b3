package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Room.ALICE;
import static dev.mxspec.homeserver.rooms.Room.BOB;
import static dev.mxspec.homeserver.rooms.Room.CAROL;
import static dev.mxspec.homeserver.rooms.Room.MOD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class InviteAuthTest {

    private static final Room ROOM = Room.of(RoomVersions.V10, "invite");

    @Test
    void aJoinedMemberAtTheInviteLevelInvites() {
        assertThat(ROOM.check(Events.member(BOB, CAROL, "invite"))).isEqualTo(AuthResult.allowed());
    }

    @Test
    void aSenderWhoIsNotJoinedCannotInvite() {
        assertThat(ROOM.check(Events.member(CAROL, "@dave:hs3", "invite")))
                .isEqualTo(AuthResult.refused(AuthRule.INVITE, "sender is not joined to the room"));
    }

    @Test
    void joinedOrBannedUsersCannotBeInvited() {
        assertThat(ROOM.check(Events.member(BOB, MOD, "invite")))
                .isEqualTo(AuthResult.refused(AuthRule.INVITE, "@mod:hs1 cannot be invited: membership is join"));
        assertThat(ROOM.with(Events.member(MOD, CAROL, "ban")).check(Events.member(BOB, CAROL, "invite")))
                .isEqualTo(AuthResult.refused(AuthRule.INVITE, "@carol:hs2 cannot be invited: membership is ban"));
    }

    @Test
    void aSenderBelowTheInviteLevelCannotInvite() {
        Room room = ROOM.with(Events.state("m.room.power_levels", ALICE, "",
                "{'users': {'" + ALICE + "': 100}, 'invite': 50}"));

        assertThat(room.check(Events.member(BOB, CAROL, "invite")))
                .isEqualTo(AuthResult.refused(AuthRule.INVITE, "power level too low to invite: needs 50, has 0"));
    }

    @Test
    void versionOneInvitesFollowTheSameRules() {
        Room room = Room.of(RoomVersions.V1, "invite");

        assertThat(room.check(Events.member(BOB, CAROL, "invite"))).isEqualTo(AuthResult.allowed());
        assertThat(room.check(Events.member(CAROL, BOB, "invite")))
                .isEqualTo(AuthResult.refused(AuthRule.INVITE, "sender is not joined to the room"));
    }

    @Test
    void aCustomJoinRuleValueStillAllowsInvites() {
        ObjectNode invite = Events.member(BOB, CAROL, "invite");

        assertThat(Room.of(RoomVersions.V3, "something_else").check(invite)).isEqualTo(AuthResult.allowed());
    }

    @Test
    void anInviteWithContentBeyondMembershipIsJudgedByMembership() {
        ObjectNode invite = Events.state("m.room.member", BOB, CAROL,
                "{'membership': 'invite', 'displayname': 'Carol', 'is_direct': true}");

        assertThat(ROOM.check(invite)).isEqualTo(AuthResult.allowed());
    }
}
