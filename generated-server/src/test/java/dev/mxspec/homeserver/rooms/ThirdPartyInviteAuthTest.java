package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.Events.json;
import static dev.mxspec.homeserver.rooms.Room.BOB;
import static dev.mxspec.homeserver.rooms.Room.CAROL;
import static dev.mxspec.homeserver.rooms.Room.MOD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.JsonSigning;
import dev.mxspec.homeserver.crypto.SigningKey;
import org.junit.jupiter.api.Test;

class ThirdPartyInviteAuthTest {

    private static final SigningKey IDENTITY_SERVER = SigningKey.generate("0");
    private static final SigningKey OTHER_KEY = SigningKey.generate("0");

    /** Bob sent the m.room.third_party_invite with token "tok" and the identity server's key. */
    private static Room room(String keysJson) {
        return Room.of(RoomVersions.V10, "invite").with(Events.state("m.room.third_party_invite", BOB, "tok",
                "{'display_name': 'c...@example.org', 'key_validity_url': 'https://id.example/isvalid', "
                        + keysJson + "}"));
    }

    private static Room room() {
        return room("'public_key': '" + IDENTITY_SERVER.publicKeyBase64() + "'");
    }

    private static ObjectNode signed(String mxid, String token, SigningKey key) {
        return JsonSigning.sign(json("{'mxid': '" + mxid + "', 'token': '" + token + "', 'sender': '" + BOB
                + "'}"), "id.example", key);
    }

    private static ObjectNode invite(String sender, String target, ObjectNode signed) {
        ObjectNode invite = Events.state("m.room.member", sender, target,
                "{'membership': 'invite', 'third_party_invite': {'display_name': 'c...@example.org'}}");
        ((ObjectNode) invite.get("content").get("third_party_invite")).set("signed", signed);
        return invite;
    }

    private static AuthResult refused(String reason) {
        return AuthResult.refused(AuthRule.THIRD_PARTY_INVITE, reason);
    }

    @Test
    void anInviteSignedByTheIdentityServersKeyIsAllowed() {
        assertThat(room().check(invite(BOB, CAROL, signed(CAROL, "tok", IDENTITY_SERVER))))
                .isEqualTo(AuthResult.allowed());
    }

    @Test
    void keysListedUnderPublicKeysCountToo() {
        Room room = room("'public_key': '" + OTHER_KEY.publicKeyBase64() + "', 'public_keys': [{'public_key': '"
                + IDENTITY_SERVER.publicKeyBase64() + "'}]");

        assertThat(room.check(invite(BOB, CAROL, signed(CAROL, "tok", IDENTITY_SERVER))))
                .isEqualTo(AuthResult.allowed());
    }

    @Test
    void aSignatureByAnotherKeyIsRefused() {
        assertThat(room().check(invite(BOB, CAROL, signed(CAROL, "tok", OTHER_KEY))))
                .isEqualTo(refused("no signature in signed matches a public key of the m.room.third_party_invite"));
    }

    @Test
    void aChangedSignedObjectIsRefused() {
        ObjectNode signed = signed(CAROL, "tok", IDENTITY_SERVER);
        signed.put("sender", MOD);

        assertThat(room().check(invite(BOB, CAROL, signed)))
                .isEqualTo(refused("no signature in signed matches a public key of the m.room.third_party_invite"));
    }

    @Test
    void onlyTheSenderOfTheThirdPartyInviteMayUseIt() {
        assertThat(room().check(invite(MOD, CAROL, signed(CAROL, "tok", IDENTITY_SERVER))))
                .isEqualTo(refused("sender @mod:hs1 did not send the m.room.third_party_invite, @bob:hs1 did"));
    }

    @Test
    void theSignedMxidMustBeTheInvitedUser() {
        assertThat(room().check(invite(BOB, "@dave:hs3", signed(CAROL, "tok", IDENTITY_SERVER))))
                .isEqualTo(refused("signed mxid @carol:hs2 is not the state key @dave:hs3"));
    }

    @Test
    void theTokenMustNameAThirdPartyInviteInTheRoom() {
        assertThat(room().check(invite(BOB, CAROL, signed(CAROL, "other", IDENTITY_SERVER))))
                .isEqualTo(refused("no m.room.third_party_invite with token other"));
    }

    @Test
    void theSignedObjectNeedsMxidAndToken() {
        ObjectNode signed = signed(CAROL, "tok", IDENTITY_SERVER);
        signed.remove("token");

        assertThat(room().check(invite(BOB, CAROL, signed)))
                .isEqualTo(refused("third_party_invite.signed lacks mxid or token"));
    }

    @Test
    void anInviteWithoutASignedObjectIsRefused() {
        ObjectNode invite = Events.state("m.room.member", BOB, CAROL,
                "{'membership': 'invite', 'third_party_invite': {'display_name': 'c...@example.org'}}");

        assertThat(room().check(invite)).isEqualTo(refused("third_party_invite has no signed object"));
    }

    @Test
    void aBannedUserCannotBeInvitedThroughAThirdPartyInvite() {
        Room room = room().with(Events.member(MOD, CAROL, "ban"));

        assertThat(room.check(invite(BOB, CAROL, signed(CAROL, "tok", IDENTITY_SERVER))))
                .isEqualTo(refused("@carol:hs2 is banned from the room"));
    }
}
