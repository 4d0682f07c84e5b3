package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Room.BOB;
import static dev.mxspec.homeserver.rooms.Room.CAROL;
import static dev.mxspec.homeserver.rooms.Room.MOD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class KnockAuthTest {

    private static final ObjectNode KNOCK = Events.member(CAROL, CAROL, "knock");

    @Test
    void knockingIsUnknownInVersionSix() {
        assertThat(Room.of(RoomVersions.V6, "knock").check(KNOCK)).isEqualTo(AuthResult.refused(
                AuthRule.UNKNOWN_MEMBERSHIP, "membership knock is not known in room version 6"));
    }

    @Test
    void knockingOnAKnockRoomIsAllowedFromVersionSeven() {
        assertThat(Room.of(RoomVersions.V7, "knock").check(KNOCK)).isEqualTo(AuthResult.allowed());
        assertThat(Room.of(RoomVersions.V10, "knock").check(KNOCK)).isEqualTo(AuthResult.allowed());
    }

    @Test
    void knockingNeedsTheKnockJoinRule() {
        assertThat(Room.of(RoomVersions.V7, "invite").check(KNOCK)).isEqualTo(AuthResult.refused(AuthRule.KNOCK,
                "join rule invite does not allow knocking in room version 7"));
        assertThat(Room.of(RoomVersions.V10, "public").check(KNOCK)).isEqualTo(AuthResult.refused(AuthRule.KNOCK,
                "join rule public does not allow knocking in room version 10"));
    }

    @Test
    void knockRestrictedRoomsAcceptKnocksInVersionTenOnly() {
        assertThat(Room.of(RoomVersions.V9, "knock_restricted").check(KNOCK)).isEqualTo(AuthResult.refused(
                AuthRule.KNOCK, "join rule knock_restricted does not allow knocking in room version 9"));
        assertThat(Room.of(RoomVersions.V10, "knock_restricted").check(KNOCK)).isEqualTo(AuthResult.allowed());
    }

    @Test
    void nobodyKnocksForSomeoneElse() {
        assertThat(Room.of(RoomVersions.V7, "knock").check(Events.member(BOB, CAROL, "knock")))
                .isEqualTo(AuthResult.refused(AuthRule.KNOCK, "sender @bob:hs1 cannot knock on behalf of @carol:hs2"));
    }

    @Test
    void bannedOrJoinedUsersCannotKnock() {
        Room room = Room.of(RoomVersions.V7, "knock").with(Events.member(MOD, CAROL, "ban"));

        assertThat(room.check(KNOCK))
                .isEqualTo(AuthResult.refused(AuthRule.KNOCK, "@carol:hs2 cannot knock: membership is ban"));
        assertThat(room.check(Events.member(BOB, BOB, "knock")))
                .isEqualTo(AuthResult.refused(AuthRule.KNOCK, "@bob:hs1 cannot knock: membership is join"));
    }

    @Test
    void anInvitedUserMayStillKnockAsTheRulesOnlyExcludeBanAndJoin() {
        Room room = Room.of(RoomVersions.V7, "knock").with(Events.member(BOB, CAROL, "invite"));

        assertThat(room.check(KNOCK)).isEqualTo(AuthResult.allowed());
    }

    @Test
    void aKnockIsAcceptedByInvitingAndRejectedByKicking() {
        Room room = Room.of(RoomVersions.V7, "knock").member(CAROL, "knock");

        assertThat(room.check(Events.member(BOB, CAROL, "invite"))).isEqualTo(AuthResult.allowed());
        assertThat(room.check(Events.member(MOD, CAROL, "leave"))).isEqualTo(AuthResult.allowed());
    }
}
