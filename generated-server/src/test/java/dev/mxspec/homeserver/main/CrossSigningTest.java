package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.CrossSigningKeys;
import dev.mxspec.homeserver.crypto.CrossSigningKeys.Ed25519;
import dev.mxspec.runtime.json.MatrixJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cross-signing through the client API: keys uploaded (the first time without user-interactive authentication,
 * replaced only with it), checked (the caller's, of the right usage, one key, signed by the master key), answered by
 * {@code /keys/query} (the user-signing key to its owner only), signatures uploaded and merged into the keys they sign,
 * and the changes shown in {@code device_lists} of the syncs of those who share a room.
 */
class CrossSigningTest {

    @TempDir
    Path dir;

    private JsonHttp http;
    private Homeserver server;

    private static final String ALICE = "@alice:localhost";
    private static final String BOB = "@bob:localhost";

    private String alice;
    private String aliceDevice;
    private Ed25519 aliceDeviceKey;
    private String bob;

    /** Alice (with device keys) and bob share a room; bob's sync token after it. */
    private String aliceAndBobInARoom(String backend) throws Exception {
        server = TestServers.start(backend, dir, c -> c);
        http = new JsonHttp(server.port());
        alice = http.register("alice", "alice-password");
        bob = http.register("bob", "bob-password");
        aliceDevice = http.call("GET", "/account/whoami", alice, null).body().path("device_id").asText();
        aliceDeviceKey = Ed25519.generate();
        ObjectNode upload = MatrixJson.mapper().createObjectNode();
        upload.set("device_keys", CrossSigningKeys.deviceKeys(ALICE, aliceDevice, aliceDeviceKey));
        assertThat(http.call("POST", "/keys/upload", alice, upload.toString()).status()).isEqualTo(200);
        String room = http.call("POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").body().path("room_id").asText();
        assertThat(http.call("POST", "/join/" + room, bob, "{}").status()).isEqualTo(200);
        return http.call("GET", "/sync", bob, null).body().path("next_batch").asText();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private JsonHttp.Reply upload(String token, JsonNode body) throws Exception {
        return http.call("POST", "/keys/device_signing/upload", token, body.toString());
    }

    private JsonNode query(String token, String... users) throws Exception {
        ObjectNode body = MatrixJson.mapper().createObjectNode();
        for (String u : users) {
            body.withObjectProperty("device_keys").putArray(u);
        }
        JsonHttp.Reply r = http.call("POST", "/keys/query", token, body.toString());
        assertThat(r.status()).isEqualTo(200);
        return r.body();
    }

    private JsonNode changedSince(String token, String since) throws Exception {
        return http.call("GET", "/sync?timeout=3000&since=" + since, token, null).body();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static ObjectNode password(String session, String password) {
        ObjectNode auth = MatrixJson.mapper().createObjectNode().put("type", "m.login.password").put("password", password);
        auth.putObject("identifier").put("type", "m.id.user").put("user", "alice");
        if (session != null) {
            auth.put("session", session);
        }
        return auth;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void firstUploadNeedsNoAuthReplacingDoesAndQueriesAnswerTheKeys(String backend) throws Exception {
        String bobSince = aliceAndBobInARoom(backend);
        CrossSigningKeys first = new CrossSigningKeys(ALICE);
        assertThat(upload(alice, first.uploadBody(null)).status()).isEqualTo(200);

        JsonNode bobSync = changedSince(bob, bobSince);
        assertThat(texts(bobSync.path("device_lists").path("changed"))).contains(ALICE);
        JsonNode seenByBob = query(bob, ALICE);
        assertThat(seenByBob.path("master_keys").path(ALICE)).isEqualTo(first.masterKey());
        assertThat(seenByBob.path("self_signing_keys").path(ALICE)).isEqualTo(first.selfSigningKey());
        assertThat(seenByBob.path("user_signing_keys").has(ALICE)).as("the user-signing key is alice's own").isFalse();
        JsonNode seenByAlice = query(alice, ALICE);
        assertThat(seenByAlice.path("user_signing_keys").path(ALICE)).isEqualTo(first.userSigningKey());
        assertThat(seenByAlice.path("device_keys").path(ALICE).path(aliceDevice).path("keys").path("ed25519:" + aliceDevice).asText())
                .isEqualTo(aliceDeviceKey.publicKey);

        // the same keys again: nothing replaced, no authentication
        assertThat(upload(alice, first.uploadBody(null)).status()).isEqualTo(200);

        // new keys replace the old ones only with the password
        CrossSigningKeys second = new CrossSigningKeys(ALICE);
        JsonHttp.Reply challenge = upload(alice, second.uploadBody(null));
        assertThat(challenge.status()).isEqualTo(401);
        assertThat(challenge.body().path("flows").get(0).path("stages").toString()).isEqualTo("[\"m.login.password\"]");
        String session = challenge.body().path("session").asText();
        JsonHttp.Reply wrong = upload(alice, second.uploadBody(password(session, "not-her-password")));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body().path("errcode").asText()).isEqualTo("M_FORBIDDEN");
        assertThat(query(bob, ALICE).path("master_keys").path(ALICE)).isEqualTo(first.masterKey());
        JsonHttp.Reply onlySelfSigning = upload(alice, MatrixJson.mapper().createObjectNode().set("self_signing_key",
                first.master.sign(first.key(Ed25519.generate(), "self_signing"), ALICE)));
        assertThat(onlySelfSigning.status()).as("a new self-signing key alone is a replacement too").isEqualTo(401);

        String bobBefore = bobSync.path("next_batch").asText();
        assertThat(upload(alice, second.uploadBody(password(session, "alice-password"))).status()).isEqualTo(200);
        JsonNode replaced = query(bob, ALICE);
        assertThat(replaced.path("master_keys").path(ALICE)).isEqualTo(second.masterKey());
        assertThat(replaced.path("self_signing_keys").path(ALICE)).isEqualTo(second.selfSigningKey());
        assertThat(query(alice, ALICE).path("user_signing_keys").path(ALICE)).isEqualTo(second.userSigningKey());
        assertThat(texts(changedSince(bob, bobBefore).path("device_lists").path("changed"))).contains(ALICE);

        // a session is for one request: the same session cannot replace the keys with others
        CrossSigningKeys third = new CrossSigningKeys(ALICE);
        assertThat(upload(alice, third.uploadBody(password(session, "alice-password"))).status()).isEqualTo(403);
        assertThat(query(bob, ALICE).path("master_keys").path(ALICE)).isEqualTo(second.masterKey());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void keysThatDoNotFitAreRefusedAndNothingIsStored(String backend) throws Exception {
        aliceAndBobInARoom(backend);
        CrossSigningKeys keys = new CrossSigningKeys(ALICE);
        ObjectNode body = keys.uploadBody(null);

        ObjectNode unsignedSelfSigning = body.deepCopy();
        unsignedSelfSigning.set("self_signing_key", keys.key(keys.selfSigning, "self_signing"));
        expect(upload(alice, unsignedSelfSigning), 400, "M_INVALID_SIGNATURE");

        ObjectNode signedByAnother = body.deepCopy();
        signedByAnother.set("user_signing_key", Ed25519.generate().sign(keys.key(keys.userSigning, "user_signing"), ALICE,
                keys.master.keyId()));
        expect(upload(alice, signedByAnother), 400, "M_INVALID_SIGNATURE");

        ObjectNode tampered = body.deepCopy();
        ((ObjectNode) tampered.get("self_signing_key")).put("extra", "not what the master key signed");
        expect(upload(alice, tampered), 400, "M_INVALID_SIGNATURE");

        CrossSigningKeys bobs = new CrossSigningKeys(BOB);
        expect(upload(alice, bobs.uploadBody(null)), 400, "M_INVALID_PARAM"); // another user's keys

        ObjectNode wrongUsage = body.deepCopy();
        ((ObjectNode) wrongUsage.get("master_key")).putArray("usage").add("self_signing");
        expect(upload(alice, wrongUsage), 400, "M_INVALID_PARAM");

        ObjectNode twoKeys = body.deepCopy();
        Ed25519 other = Ed25519.generate();
        ((ObjectNode) twoKeys.get("master_key")).withObjectProperty("keys").put(other.keyId(), other.publicKey);
        expect(upload(alice, twoKeys), 400, "M_INVALID_PARAM");

        ObjectNode misnamed = body.deepCopy();
        ((ObjectNode) misnamed.get("master_key")).putObject("keys").put("ed25519:MASTER", keys.master.publicKey);
        expect(upload(alice, misnamed), 400, "M_INVALID_PARAM");

        ObjectNode noMaster = body.deepCopy();
        noMaster.remove("master_key");
        expect(upload(alice, noMaster), 400, "M_MISSING_PARAM");

        // a public key that is one of the user's device IDs
        Ed25519 deviceNamed = Ed25519.generate();
        assertThat(http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
                + "\"user\":\"alice\"},\"password\":\"alice-password\",\"device_id\":\"" + deviceNamed.publicKey + "\"}").status())
                .isEqualTo(200);
        ObjectNode clash = MatrixJson.mapper().createObjectNode();
        clash.set("master_key", keys.key(deviceNamed, "master"));
        expect(upload(alice, clash), 403, "M_FORBIDDEN");

        JsonNode after = query(alice, ALICE);
        assertThat(after.path("master_keys").isEmpty()).isTrue();
        assertThat(after.path("self_signing_keys").isEmpty()).isTrue();
        assertThat(after.path("user_signing_keys").isEmpty()).isTrue();
        assertThat(upload(alice, body).status()).as("the keys themselves are fine").isEqualTo(200);
        // and no device may take a cross-signing key's public key as its ID afterwards
        expect(http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
                + "\"user\":\"alice\"},\"password\":\"alice-password\",\"device_id\":\"" + keys.selfSigning.publicKey + "\"}"), 400,
                "M_FORBIDDEN");
        assertThat(http.call("GET", "/devices", alice, null).body().path("devices").toString()).doesNotContain(keys.selfSigning.publicKey);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void signaturesOfOwnDevicesOwnMasterKeyAndOthersMasterKeysAreCheckedAndMerged(String backend) throws Exception {
        String bobSince = aliceAndBobInARoom(backend);
        CrossSigningKeys aliceKeys = new CrossSigningKeys(ALICE);
        CrossSigningKeys bobKeys = new CrossSigningKeys(BOB);
        assertThat(upload(alice, aliceKeys.uploadBody(null)).status()).isEqualTo(200);
        assertThat(upload(bob, bobKeys.uploadBody(null)).status()).isEqualTo(200);
        bobSince = changedSince(bob, bobSince).path("next_batch").asText();
        String aliceSince = http.call("GET", "/sync", alice, null).body().path("next_batch").asText();
        ObjectNode device = CrossSigningKeys.deviceKeys(ALICE, aliceDevice, aliceDeviceKey);

        // alice's device by her self-signing key, her master key by her device
        ObjectNode signedDevice = aliceKeys.selfSigning.sign(device, ALICE);
        ObjectNode signedMaster = aliceDeviceKey.sign(aliceKeys.masterKey(), ALICE, "ed25519:" + aliceDevice);
        ObjectNode own = MatrixJson.mapper().createObjectNode();
        own.putObject(ALICE).set(aliceDevice, signedDevice);
        own.withObjectProperty(ALICE).set(aliceKeys.master.publicKey, signedMaster);
        JsonNode answer = signatures(alice, own);
        assertThat(answer.path("failures").isEmpty()).as(answer.toString()).isTrue();
        JsonNode seen = query(bob, ALICE);
        assertThat(seen.path("device_keys").path(ALICE).path(aliceDevice).path("signatures").path(ALICE))
                .isEqualTo(signedDevice.path("signatures").path(ALICE));
        assertThat(seen.path("master_keys").path(ALICE)).isEqualTo(signedMaster);
        assertThat(texts(changedSince(bob, bobSince).path("device_lists").path("changed"))).contains(ALICE);

        // bob's master key by alice's user-signing key: alice sees her signature, bob and others do not
        ObjectNode signedBob = aliceKeys.userSigning.sign(bobKeys.masterKey(), ALICE);
        ObjectNode other = MatrixJson.mapper().createObjectNode();
        other.putObject(BOB).set(bobKeys.master.publicKey, signedBob);
        assertThat(signatures(alice, other).path("failures").isEmpty()).isTrue();
        assertThat(query(alice, BOB).path("master_keys").path(BOB)).isEqualTo(signedBob);
        assertThat(query(bob, BOB).path("master_keys").path(BOB)).isEqualTo(bobKeys.masterKey());

        // carol shares no room with alice: alice's signature of her master key shows carol in alice's syncs only
        String carol = http.register("carol", "carol-password");
        CrossSigningKeys carolKeys = new CrossSigningKeys("@carol:localhost");
        assertThat(upload(carol, carolKeys.uploadBody(null)).status()).isEqualTo(200);
        ObjectNode signedCarol = MatrixJson.mapper().createObjectNode();
        signedCarol.putObject("@carol:localhost").set(carolKeys.master.publicKey, aliceKeys.userSigning.sign(carolKeys.masterKey(), ALICE));
        assertThat(signatures(alice, signedCarol).path("failures").isEmpty()).isTrue();
        assertThat(texts(changedSince(alice, aliceSince).path("device_lists").path("changed"))).contains("@carol:localhost");
        assertThat(texts(changedSince(bob, bobSince).path("device_lists").path("changed"))).doesNotContain("@carol:localhost");

        // refused: a wrong signature, a changed device, an unknown device, another user's key that is not the master
        // key, a signature by a key that is not the user-signing key; nothing of them stored
        ObjectNode bad = MatrixJson.mapper().createObjectNode();
        ObjectNode forged = Ed25519.generate().sign(device, ALICE, aliceKeys.selfSigning.keyId());
        bad.putObject(ALICE).set(aliceDevice, forged);
        ObjectNode changedDevice = device.deepCopy();
        changedDevice.withObjectProperty("keys").put("curve25519:" + aliceDevice, "another curve key");
        bad.withObjectProperty(ALICE).set("OTHERDEVICE", aliceKeys.selfSigning.sign(changedDevice.put("device_id", "OTHERDEVICE"),
                ALICE));
        bad.putObject(BOB).set(bobKeys.selfSigning.publicKey, aliceKeys.userSigning.sign(bobKeys.selfSigningKey(), ALICE));
        JsonNode failures = signatures(alice, bad).path("failures");
        assertThat(failures.path(ALICE).path(aliceDevice).path("errcode").asText()).isEqualTo("M_INVALID_SIGNATURE");
        assertThat(failures.path(ALICE).path("OTHERDEVICE").path("errcode").asText()).isEqualTo("M_NOT_FOUND");
        assertThat(failures.path(BOB).path(bobKeys.selfSigning.publicKey).path("errcode").asText()).isEqualTo("M_NOT_FOUND");

        ObjectNode mismatch = MatrixJson.mapper().createObjectNode();
        mismatch.putObject(ALICE).set(aliceDevice, aliceKeys.selfSigning.sign(changedDevice.put("device_id", aliceDevice), ALICE));
        assertThat(signatures(alice, mismatch).path("failures").path(ALICE).path(aliceDevice).path("errcode").asText())
                .isEqualTo("M_UNKNOWN");
        ObjectNode notUserSigning = MatrixJson.mapper().createObjectNode();
        notUserSigning.putObject(BOB).set(bobKeys.master.publicKey, aliceKeys.selfSigning.sign(bobKeys.masterKey(), ALICE));
        assertThat(signatures(alice, notUserSigning).path("failures").path(BOB).path(bobKeys.master.publicKey).path("errcode")
                .asText()).isEqualTo("M_INVALID_SIGNATURE");
        // of alice's keys, bob may sign her master key only
        ObjectNode bobSignsAliceDevice = MatrixJson.mapper().createObjectNode();
        bobSignsAliceDevice.putObject(ALICE).set(aliceDevice, bobKeys.selfSigning.sign(device, BOB));
        assertThat(signatures(bob, bobSignsAliceDevice).path("failures").path(ALICE).path(aliceDevice).path("errcode").asText())
                .isEqualTo("M_NOT_FOUND");

        JsonNode unchanged = query(alice, ALICE, BOB);
        assertThat(unchanged.path("device_keys").path(ALICE).path(aliceDevice).path("signatures").path(ALICE))
                .isEqualTo(signedDevice.path("signatures").path(ALICE));
        assertThat(unchanged.path("master_keys").path(BOB)).isEqualTo(signedBob);
        assertThat(unchanged.path("device_keys").path(ALICE).has("OTHERDEVICE")).isFalse();

        // a new self-signing key leaves the old one's signatures behind
        CrossSigningKeys replaced = new CrossSigningKeys(ALICE);
        ObjectNode newSelfSigning = MatrixJson.mapper().createObjectNode();
        newSelfSigning.set("self_signing_key", aliceKeys.master.sign(aliceKeys.key(replaced.selfSigning, "self_signing"), ALICE));
        JsonHttp.Reply challenge = upload(alice, newSelfSigning);
        newSelfSigning.set("auth", password(challenge.body().path("session").asText(), "alice-password"));
        assertThat(upload(alice, newSelfSigning).status()).isEqualTo(200);
        assertThat(query(bob, ALICE).path("device_keys").path(ALICE).path(aliceDevice).path("signatures").path(ALICE).fieldNames())
                .toIterable().containsExactly("ed25519:" + aliceDevice);
    }

    private JsonNode signatures(String token, JsonNode body) throws Exception {
        JsonHttp.Reply r = http.call("POST", "/keys/signatures/upload", token, body.toString());
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body();
    }

    private static void expect(JsonHttp.Reply r, int status, String errcode) {
        assertThat(r.status()).as(r.body().toString()).isEqualTo(status);
        assertThat(r.body().path("errcode").asText()).as(r.body().toString()).isEqualTo(errcode);
    }
}
