package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Room.ALICE;
import static dev.mxspec.homeserver.rooms.Room.BOB;
import static dev.mxspec.homeserver.rooms.Room.CAROL;
import static dev.mxspec.homeserver.rooms.Room.MOD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.crypto.SigningKey;
import org.junit.jupiter.api.Test;

class JoinAuthTest {

    private static final SigningKey HS1_KEY = SigningKey.generate("1");
    private static final ServerKeys KEYS = ServerKeys.of("hs1", HS1_KEY.verifyKey());

    private static ObjectNode join(String user) {
        return Events.member(user, user, "join");
    }

    /** Carol's join vouched for by {@code authoriser} and signed by hs1, the authoriser's server. */
    private static ObjectNode authorisedJoin(String authoriser, RoomVersion version) {
        ObjectNode join = join(CAROL);
        ((ObjectNode) join.get("content")).put("join_authorised_via_users_server", authoriser);
        return EventSigning.hashAndSign(join, "hs1", HS1_KEY, version);
    }

    @Test
    void theCreatorJoinsRightAfterTheCreateEventInVersionOne() {
        Room room = Room.created(RoomVersions.V1);
        ObjectNode join = join(ALICE);
        join.putArray("prev_events").addArray().add("$create:hs1").addObject().put("sha256", "x");

        assertThat(room.check(join)).isEqualTo(AuthResult.allowed());
    }

    @Test
    void theCreatorJoinsRightAfterTheCreateEventInVersionTen() {
        Room room = Room.created(RoomVersions.V10);
        ObjectNode join = join(ALICE);
        join.putArray("prev_events").add(EventIds.referenceId(room.state().create().orElseThrow(), RoomVersions.V10));

        assertThat(room.check(join)).isEqualTo(AuthResult.allowed());
    }

    @Test
    void theCreatorJoiningAfterAnotherEventNeedsTheJoinRules() {
        Room room = Room.created(RoomVersions.V10);
        ObjectNode join = join(ALICE);
        join.putArray("prev_events").add("$other");

        assertThat(room.check(join)).isEqualTo(AuthResult.refused(AuthRule.JOIN,
                "join rule is invite and @alice:hs1 is not invited"));
    }

    @Test
    void anyoneJoinsAPublicRoom() {
        assertThat(Room.of(RoomVersions.V1, "public").check(join(CAROL))).isEqualTo(AuthResult.allowed());
        assertThat(Room.of(RoomVersions.V10, "public").check(join(CAROL))).isEqualTo(AuthResult.allowed());
    }

    @Test
    void nobodyJoinsForSomeoneElse() {
        assertThat(Room.of(RoomVersions.V10, "public").check(Events.member(BOB, CAROL, "join")))
                .isEqualTo(AuthResult.refused(AuthRule.JOIN, "sender @bob:hs1 cannot join on behalf of @carol:hs2"));
    }

    @Test
    void aBannedUserCannotJoinAPublicRoom() {
        Room room = Room.of(RoomVersions.V10, "public").with(Events.member(MOD, CAROL, "ban"));

        assertThat(room.check(join(CAROL))).isEqualTo(AuthResult.refused(AuthRule.JOIN,
                "sender is banned from the room"));
    }

    @Test
    void anInviteOnlyRoomNeedsAnInvite() {
        Room room = Room.of(RoomVersions.V10, "invite");

        assertThat(room.check(join(CAROL))).isEqualTo(AuthResult.refused(AuthRule.JOIN,
                "join rule is invite and @carol:hs2 is not invited"));
        assertThat(room.with(Events.member(BOB, CAROL, "invite")).check(join(CAROL)))
                .isEqualTo(AuthResult.allowed());
    }

    @Test
    void aJoinedUserMayJoinAgainToChangeTheirProfile() {
        assertThat(Room.of(RoomVersions.V10, "invite").check(join(BOB))).isEqualTo(AuthResult.allowed());
    }

    @Test
    void aPrivateRoomCannotBeJoined() {
        assertThat(Room.of(RoomVersions.V10, "private").check(join(CAROL))).isEqualTo(AuthResult.refused(
                AuthRule.JOIN, "join rule private does not let @carol:hs2 join in room version 10"));
    }

    @Test
    void anInvitedUserJoinsAKnockRoomFromVersionSeven() {
        Room v6 = Room.of(RoomVersions.V6, "knock").with(Events.member(BOB, CAROL, "invite"));
        Room v7 = Room.of(RoomVersions.V7, "knock").with(Events.member(BOB, CAROL, "invite"));

        assertThat(v6.check(join(CAROL))).isEqualTo(AuthResult.refused(AuthRule.JOIN,
                "join rule knock does not let @carol:hs2 join in room version 6"));
        assertThat(v7.check(join(CAROL))).isEqualTo(AuthResult.allowed());
    }

    @Test
    void aRestrictedJoinVouchedForByAJoinedUserWhoMayInviteIsAllowedFromVersionEight() {
        Room room = Room.of(RoomVersions.V8, "restricted").keys(KEYS);

        assertThat(room.check(authorisedJoin(MOD, RoomVersions.V8))).isEqualTo(AuthResult.allowed());
    }

    @Test
    void theRestrictedJoinRuleIsUnknownBeforeVersionEight() {
        Room room = Room.of(RoomVersions.V7, "restricted").keys(KEYS);

        assertThat(room.check(authorisedJoin(MOD, RoomVersions.V7))).isEqualTo(AuthResult.refused(AuthRule.JOIN,
                "join rule restricted does not let @carol:hs2 join in room version 7"));
    }

    @Test
    void aRestrictedJoinWithoutAnAuthoriserNeedsAnInvite() {
        Room room = Room.of(RoomVersions.V9, "restricted").keys(KEYS);

        assertThat(room.check(join(CAROL))).isEqualTo(AuthResult.refused(AuthRule.JOIN, "join rule is restricted,"
                + " the user is not invited and no join_authorised_via_users_server is given"));
        assertThat(room.with(Events.member(BOB, CAROL, "invite")).check(join(CAROL)))
                .isEqualTo(AuthResult.allowed());
    }

    @Test
    void aRestrictedJoinNeedsTheAuthorisersServerSignature() {
        Room room = Room.of(RoomVersions.V9, "restricted").keys(KEYS);
        ObjectNode unsigned = join(CAROL);
        ((ObjectNode) unsigned.get("content")).put("join_authorised_via_users_server", MOD);

        assertThat(room.check(unsigned)).isEqualTo(AuthResult.refused(AuthRule.JOIN_AUTHORISATION_SIGNATURE,
                "event is not signed by hs1, the server of join_authorised_via_users_server: no signature from hs1"));
    }

    @Test
    void aRestrictedJoinNeedsAJoinedAuthoriser() {
        Room room = Room.of(RoomVersions.V9, "restricted").keys(KEYS).member(MOD, "leave");

        assertThat(room.check(authorisedJoin(MOD, RoomVersions.V9))).isEqualTo(AuthResult.refused(AuthRule.JOIN,
                "authorising user @mod:hs1 is not joined to the room"));
    }

    @Test
    void aRestrictedJoinNeedsAnAuthoriserWhoMayInvite() {
        Room room = Room.of(RoomVersions.V9, "restricted").keys(KEYS).with(Events.state("m.room.power_levels",
                ALICE, "", "{'users': {'" + ALICE + "': 100, '" + MOD + "': 50}, 'invite': 60}"));

        assertThat(room.check(authorisedJoin(MOD, RoomVersions.V9))).isEqualTo(AuthResult.refused(AuthRule.JOIN,
                "authorising user @mod:hs1 has power level too low to invite: needs 60, has 50"));
    }

    @Test
    void knockRestrictedRoomsAcceptRestrictedJoinsInVersionTenOnly() {
        Room v9 = Room.of(RoomVersions.V9, "knock_restricted").keys(KEYS);
        Room v10 = Room.of(RoomVersions.V10, "knock_restricted").keys(KEYS);

        assertThat(v9.check(authorisedJoin(MOD, RoomVersions.V9))).isEqualTo(AuthResult.refused(AuthRule.JOIN,
                "join rule knock_restricted does not let @carol:hs2 join in room version 9"));
        assertThat(v10.check(authorisedJoin(MOD, RoomVersions.V10))).isEqualTo(AuthResult.allowed());
    }
}
