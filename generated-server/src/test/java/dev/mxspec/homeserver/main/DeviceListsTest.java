package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.storage.Backends;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code device_lists} in incremental syncs: device changes and sharing of rooms, as the E2E module describes. */
class DeviceListsTest {

    @TempDir
    Path dir;

    private JsonHttp http;

    private Homeserver start(String backend) throws Exception {
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
        Homeserver server = Homeserver.start(new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), backend, pg,
                true, 0, -1));
        http = new JsonHttp(server.port());
        return server;
    }

    private String room(String token, boolean encrypted) throws Exception {
        String state = encrypted ? ",\"initial_state\":[{\"type\":\"m.room.encryption\",\"state_key\":\"\","
                + "\"content\":{\"algorithm\":\"m.megolm.v1.aes-sha2\"}}]" : "";
        return http.call("POST", "/createRoom", token, "{\"preset\":\"public_chat\"" + state + "}").body().path("room_id").asText();
    }

    private void join(String token, String roomId) throws Exception {
        assertThat(http.call("POST", "/join/" + roomId, token, "{}").status()).isEqualTo(200);
    }

    private String since(String token) throws Exception {
        return http.call("GET", "/sync", token, null).body().path("next_batch").asText();
    }

    /** The device lists of an incremental sync that waits for news; the next token goes into {@code next}. */
    private JsonNode deviceLists(String token, String since, List<String> next) throws Exception {
        JsonNode body = http.call("GET", "/sync?since=" + since + "&timeout=5000", token, null).body();
        next.add(body.path("next_batch").asText());
        return body.path("device_lists");
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void changesAndSharingOfEncryptedRoomsReachTheirMembers(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String carol = http.register("carol", "carol-password");
            String dave = http.register("dave", "dave-password");
            String secret = room(alice, true);
            join(bob, secret);
            String open = room(dave, false);
            join(bob, open);

            assertThat(http.call("GET", "/sync", bob, null).body().has("device_lists")).as("not in an initial sync").isFalse();
            List<String> tokens = new ArrayList<>(List.of(since(bob)));

            // alice signs in on a second device: bob, who shares an encrypted room, hears of it
            http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"alice\"},"
                    + "\"password\":\"alice-password\",\"device_id\":\"TABLET\"}");
            assertThat(strings(deviceLists(bob, tokens.getLast(), tokens).path("changed"))).containsExactly("@alice:localhost");

            // dave's new device concerns bob too: they share a room, unencrypted as it is (it may become encrypted)
            http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"dave\"},"
                    + "\"password\":\"dave-password\"}");
            assertThat(strings(deviceLists(bob, tokens.getLast(), tokens).path("changed"))).containsExactly("@dave:localhost");

            // carol comes to share the room, then leaves it
            join(carol, secret);
            assertThat(strings(deviceLists(bob, tokens.getLast(), tokens).path("changed"))).containsExactly("@carol:localhost");
            http.call("POST", "/rooms/" + secret + "/leave", carol, "{}");
            JsonNode afterLeave = deviceLists(bob, tokens.getLast(), tokens);
            assertThat(strings(afterLeave.path("left"))).containsExactly("@carol:localhost");
            assertThat(strings(afterLeave.path("changed"))).isEmpty();

            // carol's devices are no longer reported to bob
            http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"carol\"},"
                    + "\"password\":\"carol-password\"}");
            http.call("PUT", "/rooms/" + secret + "/send/m.room.message/t2", alice, "{\"msgtype\":\"m.text\",\"body\":\"still here\"}");
            assertThat(deviceLists(bob, tokens.getLast(), tokens).isMissingNode()).isTrue();

            // bob joins another encrypted room, with dave: dave is now changed for bob
            String second = room(dave, true);
            join(bob, second);
            assertThat(strings(deviceLists(bob, tokens.getLast(), tokens).path("changed"))).containsExactly("@dave:localhost");

            // alice's own first device hears of the device she deletes
            String aliceSince = since(alice);
            assertThat(http.call("DELETE", "/devices/TABLET", alice, "{\"auth\":{\"type\":\"m.login.password\",\"identifier\":"
                    + "{\"type\":\"m.id.user\",\"user\":\"alice\"},\"password\":\"alice-password\"}}").status()).isEqualTo(200);
            List<String> aliceTokens = new ArrayList<>();
            assertThat(strings(deviceLists(alice, aliceSince, aliceTokens).path("changed"))).containsExactly("@alice:localhost");
        }
    }
}
