package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.storage.Backends;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The key management API of end-to-end encryption, and what {@code /sync} tells a device about its keys. */
class KeysTest {

    @TempDir
    Path dir;

    private JsonHttp http;

    private static String deviceKeys(String user, String device) {
        return "{\"user_id\":\"" + user + "\",\"device_id\":\"" + device + "\",\"algorithms\":[\"m.olm.v1.curve25519-aes-sha2\","
                + "\"m.megolm.v1.aes-sha2\"],\"keys\":{\"curve25519:" + device + "\":\"curve-" + device + "\",\"ed25519:" + device
                + "\":\"ed-" + device + "\"},\"signatures\":{\"" + user + "\":{\"ed25519:" + device + "\":\"sig\"}}}";
    }

    private static String oneTimeKeys(int from, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            keys.add("\"signed_curve25519:K" + i + "\":{\"key\":\"otk" + i + "\",\"signatures\":{}}");
        }
        return "{" + String.join(",", keys) + "}";
    }

    private JsonNode claim(String token) throws Exception {
        JsonNode body = http.call("POST", "/keys/claim", token,
                "{\"one_time_keys\":{\"@alice:localhost\":{\"ALICEPHONE\":\"signed_curve25519\"}}}").body();
        return body.path("one_time_keys").path("@alice:localhost").path("ALICEPHONE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void uploadQueryClaimAndCountsInSync(String backend) throws Exception {
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
        try (Homeserver server = Homeserver.start(new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), backend,
                pg, true, 0, -1))) {
            http = new JsonHttp(server.port());
            http.register("alice", "alice-password");
            String alice = http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
                    + "\"user\":\"alice\"},\"password\":\"alice-password\",\"device_id\":\"ALICEPHONE\",\"initial_device_display_name\":"
                    + "\"Alice's phone\"}").body().path("access_token").asText();
            String bob = http.register("bob", "bob-password");
            String room = http.call("POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"initial_state\":[{\"type\":"
                    + "\"m.room.encryption\",\"state_key\":\"\",\"content\":{\"algorithm\":\"m.megolm.v1.aes-sha2\"}}]}")
                    .body().path("room_id").asText();
            http.call("POST", "/join/" + room, bob, "{}");
            String bobSince = http.call("GET", "/sync", bob, null).body().path("next_batch").asText();

            JsonNode uploaded = http.call("POST", "/keys/upload", alice, "{\"device_keys\":" + deviceKeys("@alice:localhost", "ALICEPHONE")
                    + ",\"one_time_keys\":" + oneTimeKeys(0, 3) + ",\"fallback_keys\":{\"signed_curve25519:F1\":{\"key\":\"fallback\","
                    + "\"fallback\":true,\"signatures\":{}}}}").body();
            assertThat(uploaded.path("one_time_key_counts").path("signed_curve25519").asLong()).isEqualTo(3);
            assertThat(http.call("POST", "/keys/upload", bob, "{\"device_keys\":" + deviceKeys("@alice:localhost", "ALICEPHONE") + "}")
                    .status()).as("keys of someone else's device").isEqualTo(400);

            JsonNode query = http.call("POST", "/keys/query", bob, "{\"device_keys\":{\"@alice:localhost\":[],\"@carol:elsewhere.example\":[]}}")
                    .body();
            JsonNode phone = query.path("device_keys").path("@alice:localhost").path("ALICEPHONE");
            assertThat(phone.path("keys").path("ed25519:ALICEPHONE").asText()).isEqualTo("ed-ALICEPHONE");
            assertThat(phone.path("unsigned").path("device_display_name").asText()).isEqualTo("Alice's phone");
            assertThat(query.path("failures").has("elsewhere.example")).isTrue();

            // the new identity keys reach bob's sync and /keys/changes
            JsonNode bobSync = http.call("GET", "/sync?since=" + bobSince + "&timeout=5000", bob, null).body();
            assertThat(bobSync.path("device_lists").path("changed").toString()).contains("@alice:localhost");
            JsonNode changes = http.call("GET", "/keys/changes?from=" + bobSince + "&to=" + bobSync.path("next_batch").asText(), bob, null)
                    .body();
            assertThat(changes.path("changed").toString()).contains("@alice:localhost");

            // each one-time key once, then the fallback key, again and again
            Set<String> handedOut = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                handedOut.add(claim(bob).fieldNames().next());
            }
            assertThat(handedOut).containsExactlyInAnyOrder("signed_curve25519:K0", "signed_curve25519:K1", "signed_curve25519:K2");
            JsonNode aliceSync = http.call("GET", "/sync", alice, null).body();
            assertThat(aliceSync.path("device_one_time_keys_count").path("signed_curve25519").asLong(0)).isZero();
            assertThat(aliceSync.path("device_unused_fallback_key_types").toString()).contains("signed_curve25519");
            assertThat(claim(bob).fieldNames().next()).isEqualTo("signed_curve25519:F1");
            assertThat(claim(bob).fieldNames().next()).as("a fallback key stays").isEqualTo("signed_curve25519:F1");
            JsonNode afterFallback = http.call("GET", "/sync", alice, null).body();
            assertThat(afterFallback.path("device_unused_fallback_key_types")).isEmpty();

            http.call("POST", "/keys/upload", alice, "{\"one_time_keys\":" + oneTimeKeys(10, 2) + "}");
            assertThat(http.call("GET", "/sync", alice, null).body().path("device_one_time_keys_count").path("signed_curve25519").asLong())
                    .isEqualTo(2);

            // a deleted device takes its keys with it
            http.call("DELETE", "/devices/ALICEPHONE", alice, "{\"auth\":{\"type\":\"m.login.password\",\"identifier\":"
                    + "{\"type\":\"m.id.user\",\"user\":\"alice\"},\"password\":\"alice-password\"}}");
            assertThat(http.call("POST", "/keys/query", bob, "{\"device_keys\":{\"@alice:localhost\":[]}}").body()
                    .path("device_keys").path("@alice:localhost")).isEmpty();
            assertThat(claim(bob)).isEmpty();
        }
    }
}
