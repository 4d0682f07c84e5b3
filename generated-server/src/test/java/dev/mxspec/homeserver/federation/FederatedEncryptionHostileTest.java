package dev.mxspec.homeserver.federation;

import static dev.mxspec.homeserver.federation.FederatedEncryptionTest.names;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.storage.Records.Presence;
import dev.mxspec.homeserver.storage.Records.ToDevice;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What another server must not get through the per-user EDUs and the device queries: EDUs about users who are not its
 * own (or in no room here), to-device messages for users of other servers, a message delivered twice, devices and keys
 * of users who are not this server's; malformed EDUs never fail the transaction, and a JSON {@code null} body is a 400.
 */
class FederatedEncryptionHostileTest extends TwoFederatingServers {

    String alice;
    String bob;
    String aliceId;
    String bobId;
    String bobDevice;

    void twoUsersSharingARoom(String backend) throws Exception {
        a = start("sqlite", "a");
        b = start(backend, "b");
        alice = api.register(a, "alice");
        bob = api.register(b, "bob");
        aliceId = "@alice:" + FederationServers.name(a);
        bobId = "@bob:" + FederationServers.name(b);
        bobDevice = api.call(b, "GET", "/account/whoami", bob, null).path("device_id").asText();
        sharedRoom(alice, bob);
        api.call(b, "POST", "/keys/upload", bob, FederatedEncryptionTest.uploadBody(bobId, bobDevice, "bob-curve", "AAAAAQ", "AAAAFB"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void edusAboutOtherServersUsersOrOfTheWrongShapeAreIgnored(String backend) throws Exception {
        twoUsersSharingARoom(backend);
        String nameA = FederationServers.name(a);
        String carol = "@carol:" + nameA; // a user of a's, in no room b knows
        // a tells b of alice going online when she first syncs: wait for it, so that it cannot arrive after the test's EDUs
        eventually(() -> b.storage().presence(aliceId).map(Presence::presence).orElse("none"), "online");
        long before = b.storage().maxStreamPos();
        FederationClient.Response r = transaction("h1",
                presence(bobId, "forged by a"), // b's own user
                presence("@eve:elsewhere.example", "from nowhere"), // a third server's user
                presence(carol, "in no room"),
                deviceListUpdate(bobId),
                deviceListUpdate(carol),
                toDevice(bobId, "forged-sender", bobId, bobDevice, "forged"), // the sender is not a's
                toDevice(aliceId, "not-here", aliceId, "ALICEDEV", "for a user of a"), // the recipient is not b's
                toDevice(aliceId, "no-device", bobId, "NOSUCHDEVICE", "to nobody"),
                edu("m.presence", MatrixJson.mapper().readTree("{\"push\":\"x\"}")),
                edu("m.presence", MatrixJson.mapper().readTree("{\"push\":[{\"user_id\":\"" + aliceId + "\",\"presence\":\"dancing\"}]}")),
                edu("m.device_list_update", MatrixJson.mapper().readTree("{\"user_id\":\"" + aliceId + "\",\"device_id\":\"D\","
                        + "\"stream_id\":\"seven\"}")),
                edu("m.direct_to_device", MatrixJson.mapper().readTree("{\"sender\":\"" + aliceId + "\",\"type\":\"t\","
                        + "\"message_id\":\"m-bad\",\"messages\":[]}")),
                edu("m.direct_to_device", MatrixJson.mapper().readTree("{\"sender\":\"" + aliceId + "\",\"type\":\"t\","
                        + "\"message_id\":\"m-bad2\",\"messages\":{\"" + bobId + "\":{\"" + bobDevice + "\":\"not an object\"}}}")),
                edu("m.signing_key_update", MatrixJson.mapper().readTree("{\"user_id\":\"" + aliceId + "\"}")),
                toDevice(aliceId, "m-1", bobId, bobDevice, "the real one"),
                presence(aliceId, "the real one"));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        assertThat(transaction("h2", toDevice(aliceId, "m-1", bobId, bobDevice, "the real one, again")).status()).isEqualTo(200);

        List<ToDevice> bobsMessages = b.storage().toDeviceSince(bobId, bobDevice, 0, 100);
        assertThat(bobsMessages).extracting(ToDevice::content).containsExactly("{\"says\":\"the real one\"}");
        assertThat(bobsMessages.getFirst().sender()).isEqualTo(aliceId);
        assertThat(b.storage().toDeviceSince(aliceId, "ALICEDEV", 0, 100)).isEmpty();
        assertThat(b.storage().toDeviceSince(bobId, "NOSUCHDEVICE", 0, 100)).isEmpty();
        assertThat(b.storage().presence(bobId).flatMap(Presence::statusMsg)).isEmpty();
        assertThat(b.storage().presence("@eve:elsewhere.example")).isEmpty();
        assertThat(b.storage().presence(carol)).isEmpty();
        assertThat(b.storage().presence(aliceId).flatMap(Presence::statusMsg)).contains("the real one");
        assertThat(b.storage().deviceListsChangedSince(List.of(bobId, carol, aliceId), before, Long.MAX_VALUE)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void devicesAndKeysAreAnsweredOnlyForLocalUsers(String backend) throws Exception {
        twoUsersSharingARoom(backend);
        String nameB = FederationServers.name(b);
        FederationClient fromA = a.federation().client();

        FederationClient.Response devices = fromA.send(nameB, "GET", "/_matrix/federation/v1/user/devices/" + ClientApi.enc(bobId),
                Optional.empty());
        assertThat(devices.status()).isEqualTo(200);
        assertThat(devices.body().path("user_id").asText()).isEqualTo(bobId);
        assertThat(devices.body().path("stream_id").asLong()).isPositive();
        assertThat(devices.body().path("devices").get(0).path("device_id").asText()).isEqualTo(bobDevice);
        assertThat(devices.body().path("devices").get(0).path("keys").path("keys").path("curve25519:" + bobDevice).asText())
                .isEqualTo("bob-curve");

        FederationClient.Response notLocal = fromA.send(nameB, "GET", "/_matrix/federation/v1/user/devices/" + ClientApi.enc(aliceId),
                Optional.empty());
        assertThat(notLocal.status()).isEqualTo(403);
        assertThat(notLocal.body().path("errcode").asText()).isEqualTo("M_FORBIDDEN");
        FederationClient.Response nobody = fromA.send(nameB, "GET", "/_matrix/federation/v1/user/devices/"
                + ClientApi.enc("@nobody:" + nameB), Optional.empty());
        assertThat(nobody.status()).isEqualTo(404);
        assertThat(nobody.body().path("errcode").asText()).isEqualTo("M_NOT_FOUND");

        FederationClient.Response query = fromA.send(nameB, "POST", "/_matrix/federation/v1/user/keys/query", Optional.of(
                MatrixJson.mapper().readTree("{\"device_keys\":{\"" + bobId + "\":[],\"" + aliceId + "\":[]}}")));
        assertThat(query.status()).isEqualTo(200);
        assertThat(names(query.body().path("device_keys"))).containsExactly(bobId);

        String claimBody = "{\"one_time_keys\":{\"" + bobId + "\":{\"" + bobDevice + "\":\"signed_curve25519\"},\"" + aliceId
                + "\":{\"ALICEDEV\":\"signed_curve25519\"}}}";
        FederationClient.Response claim = fromA.send(nameB, "POST", "/_matrix/federation/v1/user/keys/claim",
                Optional.of(MatrixJson.mapper().readTree(claimBody)));
        assertThat(claim.status()).isEqualTo(200);
        assertThat(names(claim.body().path("one_time_keys"))).containsExactly(bobId);
        assertThat(names(claim.body().path("one_time_keys").path(bobId).path(bobDevice))).containsExactly("signed_curve25519:AAAAAQ");
        FederationClient.Response again = fromA.send(nameB, "POST", "/_matrix/federation/v1/user/keys/claim",
                Optional.of(MatrixJson.mapper().readTree(claimBody)));
        assertThat(names(again.body().path("one_time_keys").path(bobId).path(bobDevice))).containsExactly("signed_curve25519:AAAAFB");

        for (String path : List.of("/_matrix/federation/v1/user/keys/query", "/_matrix/federation/v1/user/keys/claim")) {
            FederationClient.Response nullBody = fromA.send(nameB, "POST", path, Optional.of(NullNode.getInstance()));
            assertThat(nullBody.status()).as(path).isEqualTo(400);
            assertThat(nullBody.body().path("errcode").asText()).as(path).isIn("M_BAD_JSON", "M_NOT_JSON");
        }
        for (String path : List.of("/keys/query", "/keys/claim")) {
            var nullBody = api.raw(a, "POST", path, alice, "null");
            assertThat(nullBody.statusCode()).as(path).isEqualTo(400);
            assertThat(MatrixJson.mapper().readTree(nullBody.body()).path("errcode").asText()).as(path).isIn("M_BAD_JSON", "M_NOT_JSON");
        }
    }

    /** A transaction of a's, signed by a, sent to b: b's answer. */
    private FederationClient.Response transaction(String txnId, ObjectNode... edus) throws Exception {
        ObjectNode body = MatrixJson.mapper().createObjectNode().put("origin", FederationServers.name(a))
                .put("origin_server_ts", System.currentTimeMillis());
        body.putArray("pdus");
        var list = body.putArray("edus");
        for (ObjectNode e : edus) {
            list.add(e);
        }
        return a.federation().client().send(FederationServers.name(b), "PUT", "/_matrix/federation/v1/send/" + txnId, Optional.of(body));
    }

    private static ObjectNode edu(String type, JsonNode content) {
        ObjectNode edu = MatrixJson.mapper().createObjectNode().put("edu_type", type);
        edu.set("content", content);
        return edu;
    }

    private static ObjectNode presence(String userId, String status) throws Exception {
        return edu("m.presence", MatrixJson.mapper().readTree("{\"push\":[{\"user_id\":\"" + userId + "\",\"presence\":\"online\","
                + "\"status_msg\":\"" + status + "\",\"last_active_ago\":10}]}"));
    }

    private static ObjectNode deviceListUpdate(String userId) throws Exception {
        return edu("m.device_list_update", MatrixJson.mapper().readTree("{\"user_id\":\"" + userId + "\",\"device_id\":\"NEW\","
                + "\"stream_id\":99,\"prev_id\":[98],\"deleted\":false}"));
    }

    private static ObjectNode toDevice(String sender, String messageId, String userId, String deviceId, String says) throws Exception {
        return edu("m.direct_to_device", MatrixJson.mapper().readTree("{\"sender\":\"" + sender + "\",\"type\":\"m.test\",\"message_id\":\""
                + messageId + "\",\"messages\":{\"" + userId + "\":{\"" + deviceId + "\":{\"says\":\"" + says + "\"}}}}"));
    }

}
