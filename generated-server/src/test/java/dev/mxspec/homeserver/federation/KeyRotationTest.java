package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.FederationSettings.TrustedKeyServer;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.crypto.VerifyKey;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.homeserver.rooms.EventSigning;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Key rotation and notaries: a server started with a new key version publishes the keys it used before under
 * {@code old_verify_keys} with when they expired, and events its old key signed before then still verify at other
 * servers (later ones do not); the keys of a server that cannot be reached come from a trusted notary, whose signature
 * is checked too.
 */
class KeyRotationTest extends TwoFederatingServers {

    private static final RoomVersion V10 = RoomVersions.of("10").orElseThrow();

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aRotatedKeyStaysPublishedAndVerifiesWhatItSignedBeforeItExpired(String backend) throws Exception {
        ServerConfig first = config(backend, "a");
        a = Homeserver.start(first);
        b = start("sqlite", "b");
        String nameA = FederationServers.name(a);
        SigningKey old = FederationServers.signingKey(a);
        a.close();
        a = null;
        long rotatedAfter = System.currentTimeMillis();
        ServerConfig rotated = first.withFederation(first.federation().withSigningKeyVersion("b"));
        a = Homeserver.start(rotated);
        long rotatedBefore = System.currentTimeMillis();
        SigningKey current = a.storage().signingSeed("ed25519:b").map(SigningKey::decode).orElseThrow();

        JsonNode published = ClientApi.json(unsigned(a, "GET", "/_matrix/key/v2/server", null));
        assertThat(published.path("verify_keys").fieldNames()).toIterable().containsExactly("ed25519:b");
        assertThat(published.path("verify_keys").path("ed25519:b").path("key").asText()).isEqualTo(current.publicKeyBase64());
        assertThat(published.path("old_verify_keys").fieldNames()).toIterable().containsExactly("ed25519:a");
        assertThat(published.path("old_verify_keys").path("ed25519:a").path("key").asText()).isEqualTo(old.publicKeyBase64());
        long expired = published.path("old_verify_keys").path("ed25519:a").path("expired_ts").asLong();
        assertThat(expired).isBetween(rotatedAfter, rotatedBefore);
        // a restart on the same version keeps when the old key expired
        a.close();
        a = Homeserver.start(rotated);
        assertThat(ClientApi.json(unsigned(a, "GET", "/_matrix/key/v2/server", null)).path("old_verify_keys").path("ed25519:a")
                .path("expired_ts").asLong()).isEqualTo(expired);

        // at B (and at A itself): the old key verifies what it signed before it expired, not after; the new key verifies now
        for (Homeserver receiver : List.of(b, a)) {
            assertThat(EventSigning.verify(pdu(nameA, old, expired - 1_000), receiver.federation().keys(), V10).isVerified()).isTrue();
            assertThat(EventSigning.verify(pdu(nameA, old, expired + 1_000), receiver.federation().keys(), V10).isVerified()).isFalse();
            assertThat(EventSigning.verify(pdu(nameA, current, System.currentTimeMillis()), receiver.federation().keys(), V10).isVerified())
                    .isTrue();
        }
        // a key A never had verifies nothing
        assertThat(EventSigning.verify(pdu(nameA, SigningKey.generate("a"), expired - 1_000), b.federation().keys(), V10).isVerified())
                .isFalse();
    }

    @Test
    void theKeysOfAnUnreachableServerComeFromATrustedNotaryWhoseSignatureIsChecked() throws Exception {
        a = start("sqlite", "a");
        b = start("sqlite", "b");
        String nameA = FederationServers.name(a);
        String nameB = FederationServers.name(b);
        SigningKey aKey = FederationServers.signingKey(a);
        VerifyKey bKey = FederationServers.signingKey(b).verifyKey();
        assertThat(b.federation().keys().find(nameA, aKey.keyId())).isPresent(); // b has A's keys now
        a.close();
        a = null;

        try (Homeserver trusting = startTrusting("c", List.of(new TrustedKeyServer(nameB, Map.of(bKey.keyId(), bKey.publicKey()))));
                Homeserver trustingItsPublishedKeys = startTrusting("d", List.of(new TrustedKeyServer(nameB, Map.of())));
                Homeserver wrongKey = startTrusting("e", List.of(new TrustedKeyServer(nameB,
                        Map.of(bKey.keyId(), SigningKey.generate("a").publicKeyBase64()))));
                Homeserver noNotary = startTrusting("f", List.of())) {
            Optional<VerifyKey> viaNotary = trusting.federation().keys().find(nameA, aKey.keyId());
            assertThat(viaNotary.map(VerifyKey::publicKey)).hasValue(aKey.publicKeyBase64());
            assertThat(trustingItsPublishedKeys.federation().keys().find(nameA, aKey.keyId()).map(VerifyKey::publicKey))
                    .hasValue(aKey.publicKeyBase64());
            assertThat(wrongKey.federation().keys().find(nameA, aKey.keyId())).isEmpty();
            assertThat(noNotary.federation().keys().find(nameA, aKey.keyId())).isEmpty();
            // what the notary vouched for verifies A's events
            assertThat(EventSigning.verify(pdu(nameA, aKey, System.currentTimeMillis()), trusting.federation().keys(), V10).isVerified()).isTrue();
        }
    }

    private Homeserver startTrusting(String name, List<TrustedKeyServer> notaries) throws Exception {
        ServerConfig c = config("sqlite", name);
        return Homeserver.start(c.withFederation(c.federation().withTrustedKeyServers(notaries)));
    }

    /** A message of {@code @alice} of {@code server}, signed by {@code key} at {@code ts}. */
    private static ObjectNode pdu(String server, SigningKey key, long ts) {
        ObjectNode pdu = MatrixJson.mapper().createObjectNode();
        pdu.put("room_id", "!room:" + server);
        pdu.put("sender", "@alice:" + server);
        pdu.put("type", "m.room.message");
        pdu.putObject("content").put("msgtype", "m.text").put("body", "signed at " + ts);
        pdu.put("origin_server_ts", ts);
        pdu.put("depth", 5);
        pdu.putArray("prev_events").add("$" + "p".repeat(43));
        pdu.putArray("auth_events").add("$" + "a".repeat(43));
        return EventSigning.hashAndSign(pdu, server, key, V10);
    }
}
