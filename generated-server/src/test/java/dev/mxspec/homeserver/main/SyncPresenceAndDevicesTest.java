package dev.mxspec.homeserver.main;

import static dev.mxspec.homeserver.main.SyncClient.field;
import static dev.mxspec.homeserver.main.SyncClient.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The presence section (the user's own, and that of users who newly share a room, changed or
 * not; {@code set_presence}) and device lists of users sharing any room, in {@code /sync} and
 * {@code /keys/changes}.
 */
class SyncPresenceAndDevicesTest {

    @TempDir
    Path dir;

    private SyncClient c;

    @AfterEach
    void stop() {
        if (c != null) {
            c.server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void presenceOfOneselfAndOfNewlyJoinedMembers(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        String alice = c.http.register("alice", "alice-password");
        String bob = c.http.register("bob", "bob-password");
        String carol = c.http.register("carol", "carol-password");
        JsonNode offline = SyncClient.ok(c.http.call("GET", "/sync?set_presence=offline", carol, null));
        assertThat(field(offline.path("presence").path("events"), "/sender")).doesNotContain("@carol:localhost");
        assertThat(SyncClient.ok(c.http.call("GET", "/presence/@carol:localhost/status", carol, null)).path("presence").asText())
                .isNotEqualTo("online");

        JsonNode own = c.sync(alice, null, null);
        JsonNode mine = own.path("presence").path("events");
        assertThat(field(mine, "/sender")).containsExactly("@alice:localhost");
        assertThat(mine.get(0).path("content").path("presence").asText()).as("syncing makes one online").isEqualTo("online");

        String roomId = c.room(alice, "{\"preset\":\"public_chat\"}");
        JsonNode before = c.sync(alice, null, own.path("next_batch").asText());
        SyncClient.ok(c.http.call("PUT", "/presence/@bob:localhost/status", bob, "{\"presence\":\"unavailable\",\"status_msg\":\"away\"}"));
        String since = c.sync(alice, null, before.path("next_batch").asText()).path("next_batch").asText();
        c.join(bob, roomId);
        JsonNode joined = c.sync(alice, null, since);
        JsonNode presence = joined.path("presence").path("events");
        assertThat(field(presence, "/sender")).as("bob's presence, set before he joined").contains("@bob:localhost");
        presence.forEach(p -> {
            if (p.path("sender").asText().equals("@bob:localhost")) {
                assertThat(p.path("content").path("presence").asText()).isEqualTo("unavailable");
                assertThat(p.path("content").path("status_msg").asText()).isEqualTo("away");
            }
        });
        JsonNode quiet = c.sync(alice, null, joined.path("next_batch").asText());
        assertThat(field(quiet.path("presence").path("events"), "/sender")).doesNotContain("@bob:localhost");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void deviceListsCoverUsersSharingAnyRoomAndTheUserHimself(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        String alice = c.http.register("alice", "alice-password");
        String bob = c.http.register("bob", "bob-password");
        String roomId = c.room(alice, "{\"preset\":\"public_chat\"}"); // not encrypted
        c.join(bob, roomId);
        String since = c.sync(bob, null, null).path("next_batch").asText();

        c.http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"alice\"},"
                + "\"password\":\"alice-password\",\"device_id\":\"TABLET\"}");
        c.http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\"bob\"},"
                + "\"password\":\"bob-password\",\"device_id\":\"BOBLAPTOP\"}");
        JsonNode lists = c.sync(bob, null, since);
        assertThat(strings(lists.path("device_lists").path("changed"))).containsExactly("@alice:localhost", "@bob:localhost");
        JsonNode changes = SyncClient.ok(c.http.call("GET", "/keys/changes?from=" + since + "&to=" + lists.path("next_batch").asText(), bob,
                null));
        assertThat(strings(changes.path("changed"))).containsExactly("@alice:localhost", "@bob:localhost");

        c.leave(alice, roomId);
        JsonNode left = c.sync(bob, null, lists.path("next_batch").asText());
        assertThat(strings(left.path("device_lists").path("left"))).containsExactly("@alice:localhost");
        JsonNode leftChanges = SyncClient.ok(c.http.call("GET", "/keys/changes?from=" + lists.path("next_batch").asText() + "&to="
                + left.path("next_batch").asText(), bob, null));
        assertThat(strings(leftChanges.path("left"))).containsExactly("@alice:localhost");
        assertThat(strings(leftChanges.path("changed"))).isEmpty();
    }
}
