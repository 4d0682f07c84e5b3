package dev.mxspec.homeserver.rooms;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.crypto.Verification;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventSigningTest {

    private static final ServerKeys SPEC_KEYS = ServerKeys.of(SpecVectors.SERVER, SpecVectors.KEY.verifyKey());

    @Test
    void signsTheMinimalAppendixEventExactly() {
        ObjectNode signed = EventSigning.hashAndSign(SpecVectors.minimalEvent(), SpecVectors.SERVER,
                SpecVectors.KEY, RoomVersions.V1);

        assertThat(signed).isEqualTo(SpecVectors.minimalEventSigned());
    }

    @Test
    void signsTheRedactableAppendixEventExactly() {
        ObjectNode signed = EventSigning.hashAndSign(SpecVectors.redactableEvent(), SpecVectors.SERVER,
                SpecVectors.KEY, RoomVersions.V1);

        assertThat(signed).isEqualTo(SpecVectors.redactableEventSigned());
    }

    @Test
    void theAppendixEventsVerify() {
        assertThat(EventSigning.verify(SpecVectors.minimalEventSigned(), SPEC_KEYS, RoomVersions.V10))
                .isEqualTo(Verification.verified());
        assertThat(EventSigning.verify(SpecVectors.redactableEventSigned(), SPEC_KEYS, RoomVersions.V1))
                .isEqualTo(Verification.verified());
    }

    @Test
    void aSignatureSurvivesRedactionOfTheEvent() {
        ObjectNode redacted = Redaction.redact(SpecVectors.redactableEventSigned(), RoomVersions.V1);

        assertThat(EventSigning.verify(redacted, SPEC_KEYS, RoomVersions.V1)).isEqualTo(Verification.verified());
    }

    @Test
    void signedThenVerifiedWithAGeneratedKey() {
        SigningKey key = SigningKey.generate("auto");
        ObjectNode event = Events.member("@bob:hs1", "@bob:hs1", "join");

        ObjectNode signed = EventSigning.hashAndSign(event, "hs1", key, RoomVersions.V10);

        assertThat(EventSigning.verify(signed, ServerKeys.of("hs1", key.verifyKey()), RoomVersions.V10))
                .isEqualTo(Verification.verified());
        assertThat(EventHashes.hasValidContentHash(signed)).isTrue();
    }

    @Test
    void aChangedProtectedByteFailsVerification() {
        SigningKey key = SigningKey.generate("1");
        ObjectNode signed = EventSigning.hashAndSign(Events.member("@bob:hs1", "@bob:hs1", "join"), "hs1", key,
                RoomVersions.V10);

        signed.put("origin_server_ts", 1001);

        assertThat(EventSigning.verify(signed, ServerKeys.of("hs1", key.verifyKey()), RoomVersions.V10))
                .isEqualTo(Verification.failed("signature ed25519:1 of hs1 does not match"));
    }

    @Test
    void aChangedRedactableByteKeepsTheSignatureButBreaksTheContentHash() {
        SigningKey key = SigningKey.generate("1");
        ObjectNode signed = EventSigning.hashAndSign(Events.message("@bob:hs1"), "hs1", key, RoomVersions.V10);

        ((ObjectNode) signed.get("content")).put("body", "hellO");

        assertThat(EventSigning.verify(signed, ServerKeys.of("hs1", key.verifyKey()), RoomVersions.V10))
                .isEqualTo(Verification.verified());
        assertThat(EventHashes.hasValidContentHash(signed)).isFalse();
    }

    @Test
    void coSigningKeepsTheHashesAndAddsASignature() {
        SigningKey joining = SigningKey.generate("1");
        SigningKey resident = SigningKey.generate("2");
        ObjectNode join = EventSigning.hashAndSign(Events.member("@carol:hs2", "@carol:hs2", "join"), "hs2",
                joining, RoomVersions.V10);

        ObjectNode coSigned = EventSigning.addSignature(join, "hs1", resident, RoomVersions.V10);

        assertThat(coSigned.get("hashes")).isEqualTo(join.get("hashes"));
        assertThat(coSigned.get("signatures").get("hs2")).isEqualTo(join.get("signatures").get("hs2"));
        ServerKeys keys = ServerKeys.of(Map.of("hs1", List.of(resident.verifyKey()),
                "hs2", List.of(joining.verifyKey())));
        assertThat(EventSigning.verifySignedBy(coSigned, "hs1", keys, RoomVersions.V10))
                .isEqualTo(Verification.verified());
        assertThat(EventSigning.verify(coSigned, keys, RoomVersions.V10)).isEqualTo(Verification.verified());
    }

    @Test
    void versionsOneAndTwoAlsoNeedTheEventIdServersSignature() {
        ObjectNode event = Events.message("@bob:hs1");
        event.put("event_id", "$e:hs2");

        assertThat(EventSigning.requiredSigners(event, RoomVersions.V2)).containsExactly("hs1", "hs2");
        assertThat(EventSigning.requiredSigners(event, RoomVersions.V3)).containsExactly("hs1");
    }

    @Test
    void aThirdPartyInviteNeedsNoSignatureFromTheSendersServer() {
        ObjectNode invite = Events.state("m.room.member", "@alice:hs1", "@dave:hs3",
                "{'membership': 'invite', 'third_party_invite': {'display_name': 'd', 'signed': {}}}");

        assertThat(EventSigning.requiredSigners(invite, RoomVersions.V10)).isEmpty();
        assertThat(EventSigning.verify(invite, ServerKeys.none(), RoomVersions.V10)).isEqualTo(Verification.verified());
    }

    @Test
    void anEventWhoseSenderNamesNoServerFailsVerification() {
        assertThat(EventSigning.verify(Events.message("bob"), ServerKeys.none(), RoomVersions.V10))
                .isEqualTo(Verification.failed("sender bob names no server"));
    }

    @Test
    void fromVersionFiveAKeyExpiredBeforeTheEventDoesNotCount() {
        SigningKey key = SigningKey.generate("1");
        ObjectNode signed = EventSigning.hashAndSign(Events.message("@bob:hs1"), "hs1", key, RoomVersions.V5);
        ServerKeys expired = ServerKeys.of("hs1", key.verifyKey().validUntil(999));

        assertThat(EventSigning.verify(signed, expired, RoomVersions.V5))
                .isEqualTo(Verification.failed("no known verification key of hs1 among [ed25519:1]"));
        assertThat(EventSigning.verify(signed, expired, RoomVersions.V4)).isEqualTo(Verification.verified());
        assertThat(EventSigning.verify(signed, ServerKeys.of("hs1", key.verifyKey().validUntil(1000)),
                RoomVersions.V5)).isEqualTo(Verification.verified());
    }
}
