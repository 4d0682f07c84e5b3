package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Room.ALICE;
import static dev.mxspec.homeserver.rooms.Room.BOB;
import static dev.mxspec.homeserver.rooms.Room.CAROL;
import static dev.mxspec.homeserver.rooms.Room.MOD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class LeaveAndBanAuthTest {

    private static final Room ROOM = Room.of(RoomVersions.V10, "invite");

    @Test
    void aMemberLeaves() {
        assertThat(ROOM.check(Events.member(BOB, BOB, "leave"))).isEqualTo(AuthResult.allowed());
    }

    @Test
    void anInvitedUserRejectsTheInvite() {
        Room room = ROOM.with(Events.member(BOB, CAROL, "invite"));

        assertThat(room.check(Events.member(CAROL, CAROL, "leave"))).isEqualTo(AuthResult.allowed());
    }

    @Test
    void someoneWhoIsNotInTheRoomCannotLeaveIt() {
        assertThat(ROOM.check(Events.member(CAROL, CAROL, "leave")))
                .isEqualTo(AuthResult.refused(AuthRule.LEAVE, "@carol:hs2 cannot leave: membership is leave"));
    }

    @Test
    void aKnockIsRetractedByLeavingFromVersionSeven() {
        assertThat(Room.of(RoomVersions.V7, "knock").member(CAROL, "knock").check(Events.member(CAROL, CAROL, "leave")))
                .isEqualTo(AuthResult.allowed());
        assertThat(Room.of(RoomVersions.V6, "knock").member(CAROL, "knock").check(Events.member(CAROL, CAROL, "leave")))
                .isEqualTo(AuthResult.refused(AuthRule.LEAVE, "@carol:hs2 cannot leave: membership is knock"));
    }

    @Test
    void aModeratorKicksAUserBelowThem() {
        assertThat(ROOM.check(Events.member(MOD, BOB, "leave"))).isEqualTo(AuthResult.allowed());
    }

    @Test
    void aUserBelowTheKickLevelCannotKick() {
        assertThat(ROOM.check(Events.member(BOB, MOD, "leave"))).isEqualTo(AuthResult.refused(AuthRule.LEAVE,
                "power level too low to kick @mod:hs1: needs 50, has 0"));
    }

    @Test
    void nobodyKicksAUserAtOrAboveTheirOwnLevel() {
        assertThat(ROOM.check(Events.member(MOD, ALICE, "leave"))).isEqualTo(AuthResult.refused(AuthRule.LEAVE,
                "cannot kick @alice:hs1: their power level 100 is not below the sender's 50"));
    }

    @Test
    void aSenderWhoIsNotJoinedCannotKick() {
        Room room = ROOM.member(MOD, "leave");

        assertThat(room.check(Events.member(MOD, BOB, "leave")))
                .isEqualTo(AuthResult.refused(AuthRule.LEAVE, "sender is not joined to the room"));
    }

    @Test
    void unbanningNeedsTheBanLevel() {
        Room banned = ROOM.with(Events.member(MOD, CAROL, "ban"));
        Room strict = banned.with(Events.state("m.room.power_levels", ALICE, "",
                "{'users': {'" + ALICE + "': 100, '" + MOD + "': 50}, 'ban': 60}"));

        assertThat(banned.check(Events.member(MOD, CAROL, "leave"))).isEqualTo(AuthResult.allowed());
        assertThat(strict.check(Events.member(MOD, CAROL, "leave"))).isEqualTo(AuthResult.refused(AuthRule.LEAVE,
                "power level too low to unban @carol:hs2: needs 60, has 50"));
    }

    @Test
    void unbanningAlsoNeedsTheKickLevel() {
        Room room = ROOM.with(Events.member(MOD, CAROL, "ban"), Events.state("m.room.power_levels", ALICE, "",
                "{'users': {'" + ALICE + "': 100, '" + MOD + "': 50}, 'kick': 70}"));

        assertThat(room.check(Events.member(MOD, CAROL, "leave"))).isEqualTo(AuthResult.refused(AuthRule.LEAVE,
                "power level too low to kick @carol:hs2: needs 70, has 50"));
    }

    @Test
    void aModeratorBansAUserBelowThem() {
        assertThat(ROOM.check(Events.member(MOD, BOB, "ban"))).isEqualTo(AuthResult.allowed());
        assertThat(ROOM.check(Events.member(MOD, CAROL, "ban"))).isEqualTo(AuthResult.allowed());
    }

    @Test
    void aUserBelowTheBanLevelCannotBan() {
        assertThat(ROOM.check(Events.member(BOB, CAROL, "ban"))).isEqualTo(AuthResult.refused(AuthRule.BAN,
                "power level too low to ban @carol:hs2: needs 50, has 0"));
    }

    @Test
    void nobodyBansAUserAtOrAboveTheirOwnLevel() {
        assertThat(ROOM.check(Events.member(MOD, ALICE, "ban"))).isEqualTo(AuthResult.refused(AuthRule.BAN,
                "cannot ban @alice:hs1: their power level 100 is not below the sender's 50"));
    }

    @Test
    void aSenderWhoIsNotJoinedCannotBan() {
        assertThat(ROOM.member(MOD, "leave").check(Events.member(MOD, BOB, "ban")))
                .isEqualTo(AuthResult.refused(AuthRule.BAN, "sender is not joined to the room"));
    }

    @Test
    void anUnknownMembershipIsRefused() {
        assertThat(ROOM.check(Events.member(BOB, BOB, "away"))).isEqualTo(AuthResult.refused(
                AuthRule.UNKNOWN_MEMBERSHIP, "membership away is not known in room version 10"));
    }

    @Test
    void aMemberEventNeedsAStateKeyAndAMembership() {
        ObjectNode noStateKey = Events.member(BOB, BOB, "leave");
        noStateKey.remove("state_key");
        ObjectNode noMembership = Events.state("m.room.member", BOB, BOB, "{'displayname': 'Bob'}");

        assertThat(ROOM.check(noStateKey))
                .isEqualTo(AuthResult.refused(AuthRule.MEMBER_FORMAT, "m.room.member has no state key"));
        assertThat(ROOM.check(noMembership))
                .isEqualTo(AuthResult.refused(AuthRule.MEMBER_FORMAT, "m.room.member has no membership in content"));
    }
}
