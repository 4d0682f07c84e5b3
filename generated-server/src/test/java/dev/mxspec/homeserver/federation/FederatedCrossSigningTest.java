package dev.mxspec.homeserver.federation;

import static dev.mxspec.homeserver.federation.FederatedEncryptionTest.contains;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.CrossSigningKeys;
import dev.mxspec.homeserver.crypto.CrossSigningKeys.Ed25519;
import dev.mxspec.homeserver.storage.CrossSigningStore.CrossSigningKey;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cross-signing across two servers: bob on b sees alice's (on a) master and self-signing keys in his key queries
 * (fetched with her device list, then kept up to date by {@code m.signing_key_update}), alice's replaced keys show as a
 * change in his syncs, signatures of her devices reach him with her device list updates, and his signature of her
 * master key is his alone to see; a signing key update about a user of another server than the sender's, or of the
 * wrong shape, is ignored and counted.
 */
class FederatedCrossSigningTest extends TwoFederatingServers {

    private String aliceDevice;
    private Ed25519 aliceDeviceKey;

    /** Alice on a (with device keys) and bob on b in a room of alice's; bob's sync token after it. */
    private String aliceAndBobInARoom(String backend) throws Exception {
        aliceOnAAndBobOnB(backend);
        aliceDevice = api.call(a, "GET", "/account/whoami", alice, null).path("device_id").asText();
        aliceDeviceKey = Ed25519.generate();
        ObjectNode upload = MatrixJson.mapper().createObjectNode();
        upload.set("device_keys", CrossSigningKeys.deviceKeys(aliceId, aliceDevice, aliceDeviceKey));
        api.call(a, "POST", "/keys/upload", alice, upload.toString());
        sharedRoom(alice, bob);
        return api.call(b, "GET", "/sync?timeout=0", bob, null).path("next_batch").asText();
    }

    private JsonNode query(String token, String user) throws Exception {
        return api.call(b, "POST", "/keys/query", token, "{\"device_keys\":{\"" + user + "\":[]}}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void keysAndTheirChangesCrossToTheOtherServer(String backend) throws Exception {
        String since = aliceAndBobInARoom(backend);
        CrossSigningKeys first = new CrossSigningKeys(aliceId);
        api.call(a, "POST", "/keys/device_signing/upload", alice, first.uploadBody(null).toString());
        since = api.syncUntil(b, bob, since, s -> contains(s.path("device_lists").path("changed"), aliceId)).path("next_batch").asText();

        JsonNode seen = api.until(() -> query(bob, aliceId), q -> q.path("master_keys").has(aliceId));
        assertThat(seen.path("master_keys").path(aliceId)).isEqualTo(first.masterKey());
        assertThat(seen.path("self_signing_keys").path(aliceId)).isEqualTo(first.selfSigningKey());
        assertThat(seen.path("user_signing_keys").has(aliceId)).as("alice's user-signing key never leaves a").isFalse();
        assertThat(seen.path("device_keys").path(aliceId).has(aliceDevice)).isTrue();
        FederationClient.Response devices = signed(b, a, "GET", "/_matrix/federation/v1/user/devices/" + ClientApi.enc(aliceId), null);
        assertThat(devices.body().path("master_key")).isEqualTo(first.masterKey());
        assertThat(devices.body().path("self_signing_key")).isEqualTo(first.selfSigningKey());
        FederationClient.Response keys = signed(b, a, "POST", "/_matrix/federation/v1/user/keys/query",
                MatrixJson.mapper().readTree("{\"device_keys\":{\"" + aliceId + "\":[]}}"));
        assertThat(keys.body().path("master_keys").path(aliceId)).isEqualTo(first.masterKey());
        assertThat(keys.body().path("self_signing_keys").path(aliceId)).isEqualTo(first.selfSigningKey());
        assertThat(keys.body().has("user_signing_keys")).isFalse();

        // carol on a shares no room with anyone on b: bob's query asks a with /user/keys/query, and b keeps nothing of her
        String carol = api.register(a, "carol");
        String carolId = "@carol:" + nameA;
        CrossSigningKeys carolKeys = new CrossSigningKeys(carolId);
        api.call(a, "POST", "/keys/device_signing/upload", carol, carolKeys.uploadBody(null).toString());
        JsonNode carolSeen = query(bob, carolId);
        assertThat(carolSeen.path("master_keys").path(carolId)).isEqualTo(carolKeys.masterKey());
        assertThat(carolSeen.path("self_signing_keys").path(carolId)).isEqualTo(carolKeys.selfSigningKey());
        assertThat(b.storage().crossSigningKeys(carolId)).isEmpty();

        // alice replaces her keys (with her password): bob's sync shows her changed, his queries the new keys
        CrossSigningKeys second = new CrossSigningKeys(aliceId);
        var challenge = api.raw(a, "POST", "/keys/device_signing/upload", alice, second.uploadBody(null).toString());
        assertThat(challenge.statusCode()).isEqualTo(401);
        ObjectNode auth = MatrixJson.mapper().createObjectNode().put("type", "m.login.password").put("password", "alice-password")
                .put("session", ClientApi.json(challenge).path("session").asText());
        auth.putObject("identifier").put("type", "m.id.user").put("user", "alice");
        api.call(a, "POST", "/keys/device_signing/upload", alice, second.uploadBody(auth).toString());
        since = api.syncUntil(b, bob, since, s -> contains(s.path("device_lists").path("changed"), aliceId)).path("next_batch").asText();
        JsonNode replaced = query(bob, aliceId);
        assertThat(replaced.path("master_keys").path(aliceId)).isEqualTo(second.masterKey());
        assertThat(replaced.path("self_signing_keys").path(aliceId)).isEqualTo(second.selfSigningKey());

        // her device signed by her new self-signing key, her master key by her device: both reach bob
        ObjectNode device = CrossSigningKeys.deviceKeys(aliceId, aliceDevice, aliceDeviceKey);
        ObjectNode signedDevice = second.selfSigning.sign(device, aliceId);
        ObjectNode signedMaster = aliceDeviceKey.sign(second.masterKey(), aliceId, "ed25519:" + aliceDevice);
        ObjectNode own = MatrixJson.mapper().createObjectNode();
        own.putObject(aliceId).set(aliceDevice, signedDevice);
        own.withObjectProperty(aliceId).set(second.master.publicKey, signedMaster);
        assertThat(api.call(a, "POST", "/keys/signatures/upload", alice, own.toString()).path("failures").isEmpty()).isTrue();
        api.syncUntil(b, bob, since, s -> contains(s.path("device_lists").path("changed"), aliceId));
        JsonNode signedSeen = api.until(() -> query(bob, aliceId), q -> q.path("master_keys").path(aliceId).has("signatures")
                && q.path("device_keys").path(aliceId).path(aliceDevice).path("signatures").path(aliceId).size() == 2);
        assertThat(signedSeen.path("master_keys").path(aliceId)).isEqualTo(signedMaster);
        assertThat(signedSeen.path("device_keys").path(aliceId).path(aliceDevice).path("signatures"))
                .isEqualTo(signedDevice.path("signatures"));

        // bob signs alice's master key with his user-signing key: his own queries show it, alice's do not
        CrossSigningKeys bobKeys = new CrossSigningKeys(bobId);
        api.call(b, "POST", "/keys/device_signing/upload", bob, bobKeys.uploadBody(null).toString());
        ObjectNode bobSigns = MatrixJson.mapper().createObjectNode();
        bobSigns.putObject(aliceId).set(second.master.publicKey, bobKeys.userSigning.sign(signedMaster, bobId));
        JsonNode answer = api.call(b, "POST", "/keys/signatures/upload", bob, bobSigns.toString());
        assertThat(answer.path("failures").isEmpty()).as(answer.toString()).isTrue();
        JsonNode bobSees = query(bob, aliceId).path("master_keys").path(aliceId);
        assertThat(bobSees.path("signatures").path(bobId).path(bobKeys.userSigning.keyId()).isTextual()).isTrue();
        assertThat(bobSees.path("signatures").path(aliceId)).isEqualTo(signedMaster.path("signatures").path(aliceId));
        // what b would send of it goes out before a to-device message bob sends alice afterwards: once she has that, it is there
        api.call(b, "PUT", "/sendToDevice/m.test/after-signing", bob, "{\"messages\":{\"" + aliceId + "\":{\"*\":{\"note\":\"signed\"}}}}");
        api.syncUntil(a, alice, s -> s.path("to_device").toString().contains("signed"));
        JsonNode aliceSees = api.call(a, "POST", "/keys/query", alice, "{\"device_keys\":{\"" + aliceId + "\":[]}}");
        assertThat(aliceSees.path("master_keys").path(aliceId)).isEqualTo(signedMaster);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void signingKeyUpdatesAboutOtherServersUsersOrOfTheWrongShapeAreIgnoredAndCounted(String backend) throws Exception {
        String since = aliceAndBobInARoom(backend);
        CrossSigningKeys real = new CrossSigningKeys(aliceId);
        api.call(a, "POST", "/keys/device_signing/upload", alice, real.uploadBody(null).toString());
        // a's own m.signing_key_update for the upload goes out in the background: wait until b took it in (bob's sync shows
        // alice changed), so that it cannot arrive after the test's updates and replace what they left
        api.syncUntil(b, bob, since, s -> contains(s.path("device_lists").path("changed"), aliceId));
        api.until(() -> query(bob, aliceId), q -> q.path("master_keys").has(aliceId));
        List<CrossSigningKey> kept = b.storage().crossSigningKeys(aliceId);
        assertThat(kept).extracting(CrossSigningKey::usage).containsExactly("master", "self_signing");

        CrossSigningKeys forBob = new CrossSigningKeys(bobId); // b's own user
        CrossSigningKeys forEve = new CrossSigningKeys("@eve:elsewhere.example"); // a third server's user
        CrossSigningKeys forged = new CrossSigningKeys(aliceId);
        ObjectNode unsignedSelfSigning = update(aliceId, forged.masterKey(), forged.key(forged.selfSigning, "self_signing"));
        ObjectNode notAnObject = MatrixJson.mapper().createObjectNode().put("user_id", aliceId).put("master_key", "x");
        double before = ignored();
        FederationClient.Response r = transaction("x1", update(bobId, forBob.masterKey(), forBob.selfSigningKey()),
                update("@eve:elsewhere.example", forEve.masterKey(), forEve.selfSigningKey()), unsignedSelfSigning, notAnObject,
                MatrixJson.mapper().createObjectNode().put("user_id", 7));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        assertThat(ignored() - before).isEqualTo(5);
        assertThat(b.storage().crossSigningKeys(bobId)).isEmpty();
        assertThat(b.storage().crossSigningKeys("@eve:elsewhere.example")).isEmpty();
        assertThat(b.storage().crossSigningKeys(aliceId)).isEqualTo(kept);
        assertThat(query(bob, aliceId).path("master_keys").path(aliceId)).isEqualTo(real.masterKey());

        // a's own user, well formed: taken in
        assertThat(transaction("x2", update(aliceId, forged.masterKey(), forged.selfSigningKey())).status()).isEqualTo(200);
        assertThat(ignored() - before).isEqualTo(5);
        assertThat(query(bob, aliceId).path("master_keys").path(aliceId)).isEqualTo(forged.masterKey());
    }

    private double ignored() {
        var counter = b.metrics().registry().find("mxspec.federation.ignored.edus").tag("type", "m.signing_key_update").counter();
        return counter == null ? 0 : counter.count();
    }

    private static ObjectNode update(String userId, ObjectNode master, ObjectNode selfSigning) {
        ObjectNode content = MatrixJson.mapper().createObjectNode().put("user_id", userId);
        content.set("master_key", master);
        content.set("self_signing_key", selfSigning);
        return content;
    }

    /** A transaction of a's with {@code m.signing_key_update} EDUs of these contents, sent to b: b's answer. */
    private FederationClient.Response transaction(String txnId, ObjectNode... contents) throws Exception {
        ObjectNode body = MatrixJson.mapper().createObjectNode().put("origin", nameA).put("origin_server_ts", System.currentTimeMillis());
        body.putArray("pdus");
        var edus = body.putArray("edus");
        for (ObjectNode c : contents) {
            edus.addObject().put("edu_type", "m.signing_key_update").set("content", c);
        }
        return a.federation().client().send(nameB, "PUT", "/_matrix/federation/v1/send/" + txnId, Optional.of(body));
    }
}
