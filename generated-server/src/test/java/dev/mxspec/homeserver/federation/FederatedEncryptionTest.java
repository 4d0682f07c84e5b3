package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.federation.devices.DeviceListAnnouncer;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * End-to-end encryption between users of two federating servers, through their client APIs: presence, device lists
 * (a device added on one server shows as changed in the other's syncs and in its key queries), one-time keys claimed
 * across servers (each handed out once) and to-device messages.
 */
class FederatedEncryptionTest extends TwoFederatingServers {

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void usersOfTwoServersSetUpAnEncryptedConversation(String backend) throws Exception {
        a = start("sqlite", "a");
        b = start(backend, "b");
        String alice = api.register(a, "alice");
        String bob = api.register(b, "bob");
        String aliceId = "@alice:" + FederationServers.name(a);
        String bobId = "@bob:" + FederationServers.name(b);
        String aliceDevice = deviceOf(a, alice);
        String bobDevice = deviceOf(b, bob);
        sharedRoom(alice, bob);
        String since = api.call(a, "GET", "/sync?timeout=0", alice, null).path("next_batch").asText();

        // bob's keys: alice's sync sees his device list changed, and her server asks his for the keys
        api.call(b, "POST", "/keys/upload", bob, uploadBody(bobId, bobDevice, "bob-curve", "AAAAAQ", "AAAAFB"));
        api.syncUntil(a, alice, since, s -> contains(s.path("device_lists").path("changed"), bobId));
        JsonNode query = api.call(a, "POST", "/keys/query", alice, "{\"device_keys\":{\"" + bobId + "\":[]}}");
        assertThat(query.path("device_keys").path(bobId).path(bobDevice).path("keys").path("curve25519:" + bobDevice).asText())
                .isEqualTo("bob-curve");
        assertThat(query.path("failures").isEmpty()).isTrue();
        String afterFirst = api.call(a, "GET", "/sync?timeout=0&since=" + ClientApi.enc(since), alice, null).path("next_batch").asText();
        assertThat(names(api.call(a, "GET", "/keys/changes?from=" + ClientApi.enc(since) + "&to=" + ClientApi.enc(afterFirst), alice, null)
                .path("changed"))).contains(bobId);

        // a second device of bob's: changed again, and in alice's queries once its keys are there
        JsonNode login = api.call(b, "POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
                + "\"user\":\"bob\"},\"password\":\"bob-password\",\"initial_device_display_name\":\"bob's phone\"}");
        String bobPhone = login.path("device_id").asText();
        String phone = login.path("access_token").asText();
        api.call(b, "POST", "/keys/upload", phone, uploadBody(bobId, bobPhone, "phone-curve", "AAAAAP", "AAAAFP"));
        api.syncUntil(a, alice, afterFirst, s -> contains(s.path("device_lists").path("changed"), bobId));
        JsonNode both = api.until(() -> api.call(a, "POST", "/keys/query", alice, "{\"device_keys\":{\"" + bobId + "\":[]}}"),
                q -> q.path("device_keys").path(bobId).has(bobPhone));
        assertThat(both.path("device_keys").path(bobId).path(bobPhone).path("keys").path("curve25519:" + bobPhone).asText())
                .isEqualTo("phone-curve");
        assertThat(both.path("device_keys").path(bobId).path(bobPhone).path("unsigned").path("device_display_name").asText())
                .isEqualTo("bob's phone");
        assertThat(names(both.path("device_keys").path(bobId))).containsExactlyInAnyOrder(bobDevice, bobPhone);
        // kept in a's cache of bob's device list, at the stream_id of b's latest update
        var cached = a.storage().remoteDeviceList(bobId).orElseThrow();
        assertThat(cached.streamId()).isEqualTo(DeviceListAnnouncer.streamId(b.storage(), bobId));
        assertThat(names(MatrixJson.mapper().readTree(cached.devices()))).containsExactlyInAnyOrder(bobDevice, bobPhone);

        // one-time keys claimed across servers: the one-time key once, then the fallback key
        assertThat(api.call(b, "GET", "/sync?timeout=0", bob, null).path("device_one_time_keys_count").path("signed_curve25519").asLong())
                .isEqualTo(1);
        String claim = "{\"one_time_keys\":{\"" + bobId + "\":{\"" + bobDevice + "\":\"signed_curve25519\"}}}";
        JsonNode first = api.call(a, "POST", "/keys/claim", alice, claim);
        JsonNode second = api.call(a, "POST", "/keys/claim", alice, claim);
        assertThat(names(first.path("one_time_keys").path(bobId).path(bobDevice))).containsExactly("signed_curve25519:AAAAAQ");
        assertThat(first.path("one_time_keys").path(bobId).path(bobDevice).path("signed_curve25519:AAAAAQ").path("key").asText())
                .isEqualTo("otk-AAAAAQ");
        assertThat(names(second.path("one_time_keys").path(bobId).path(bobDevice))).containsExactly("signed_curve25519:AAAAFB");
        assertThat(api.call(b, "GET", "/sync?timeout=0", bob, null).path("device_one_time_keys_count").path("signed_curve25519").asLong(0))
                .isZero();

        // to-device messages cross: to one device, then to all of bob's devices
        api.call(a, "PUT", "/sendToDevice/m.room_key_request/t1", alice, "{\"messages\":{\"" + bobId + "\":{\"" + bobDevice
                + "\":{\"note\":\"to the laptop\"}}}}");
        api.call(a, "PUT", "/sendToDevice/m.room_key_request/t2", alice, "{\"messages\":{\"" + bobId + "\":{\"*\":{\"note\":\"to all\"}}}}");
        JsonNode laptop = api.syncUntil(b, bob, s -> s.path("to_device").toString().contains("to all"));
        assertThat(laptop.path("to_device").path("events")).hasSize(2);
        JsonNode firstMessage = laptop.path("to_device").path("events").get(0);
        assertThat(firstMessage.path("sender").asText()).isEqualTo(aliceId);
        assertThat(firstMessage.path("type").asText()).isEqualTo("m.room_key_request");
        assertThat(firstMessage.path("content")).isEqualTo(MatrixJson.mapper().readTree("{\"note\":\"to the laptop\"}"));
        JsonNode phoneSync = api.syncUntil(b, phone, s -> s.path("to_device").toString().contains("to all"));
        assertThat(phoneSync.path("to_device").path("events")).hasSize(1);
        // and back
        api.call(b, "PUT", "/sendToDevice/m.room.encrypted/t1", bob, "{\"messages\":{\"" + aliceId + "\":{\"" + aliceDevice
                + "\":{\"algorithm\":\"m.olm.v1.curve25519-aes-sha2\",\"ciphertext\":{}}}}}");
        JsonNode aliceSync = api.syncUntil(a, alice, s -> s.path("to_device").toString().contains("m.olm.v1"));
        assertThat(aliceSync.path("to_device").path("events").get(0).path("sender").asText()).isEqualTo(bobId);

        // presence crosses to users sharing a room
        api.call(a, "PUT", "/presence/" + ClientApi.enc(aliceId) + "/status", alice, "{\"presence\":\"unavailable\",\"status_msg\":\"at A\"}");
        JsonNode seen = api.syncUntil(b, bob, s -> s.path("presence").toString().contains("at A"));
        JsonNode presence = eventOf(seen.path("presence").path("events"), aliceId);
        assertThat(presence.path("content").path("presence").asText()).isEqualTo("unavailable");
        assertThat(api.call(b, "GET", "/presence/" + ClientApi.enc(aliceId) + "/status", bob, null).path("status_msg").asText())
                .isEqualTo("at A");

        // a server that cannot be reached is listed under failures, the others still answer
        JsonNode partly = api.call(a, "POST", "/keys/query", alice, "{\"timeout\":5000,\"device_keys\":{\"" + bobId
                + "\":[],\"@nobody:localhost:1\":[]}}");
        assertThat(names(partly.path("failures"))).containsExactly("localhost:1");
        assertThat(partly.path("device_keys").path(bobId).has(bobDevice)).isTrue();
        JsonNode claimFailed = api.call(a, "POST", "/keys/claim", alice, "{\"one_time_keys\":{\"@nobody:localhost:1\":{\"D\":\"signed_curve25519\"}}}");
        assertThat(names(claimFailed.path("failures"))).containsExactly("localhost:1");
    }

    String deviceOf(dev.mxspec.homeserver.main.Homeserver server, String token) throws Exception {
        return api.call(server, "GET", "/account/whoami", token, null).path("device_id").asText();
    }

    /** A {@code /keys/upload} body: identity keys, one signed one-time key and a fallback key. */
    static String uploadBody(String userId, String deviceId, String curve, String oneTimeId, String fallbackId) {
        String signatures = "\"signatures\":{\"" + userId + "\":{\"ed25519:" + deviceId + "\":\"sig\"}}";
        return "{\"device_keys\":{\"user_id\":\"" + userId + "\",\"device_id\":\"" + deviceId + "\",\"algorithms\":"
                + "[\"m.olm.v1.curve25519-aes-sha2\",\"m.megolm.v1.aes-sha2\"],\"keys\":{\"curve25519:" + deviceId + "\":\"" + curve
                + "\",\"ed25519:" + deviceId + "\":\"ed-" + curve + "\"}," + signatures + "},"
                + "\"one_time_keys\":{\"signed_curve25519:" + oneTimeId + "\":{\"key\":\"otk-" + oneTimeId + "\"," + signatures + "}},"
                + "\"fallback_keys\":{\"signed_curve25519:" + fallbackId + "\":{\"key\":\"fb-" + fallbackId + "\",\"fallback\":true,"
                + signatures + "}}}";
    }

    static boolean contains(JsonNode array, String value) {
        for (JsonNode v : array) {
            if (v.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(v -> out.add(v.asText()));
        } else {
            node.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }

    static JsonNode eventOf(JsonNode events, String sender) {
        for (JsonNode e : events) {
            if (e.path("sender").asText().equals(sender)) {
                return e;
            }
        }
        throw new AssertionError("no event of " + sender + " in " + events);
    }
}
