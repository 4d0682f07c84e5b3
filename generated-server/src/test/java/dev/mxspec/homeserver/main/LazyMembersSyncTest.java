package dev.mxspec.homeserver.main;

import static dev.mxspec.homeserver.main.SyncClient.stateMembers;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lazy-loaded members in {@code /sync}: the member events of the timeline's senders at the start
 * of the timeline, those of the gap in limited syncs, each sent once per device unless
 * {@code include_redundant_members} asks for them again.
 */
class LazyMembersSyncTest {

    private static final String LAZY = "{\"room\":{\"state\":{\"lazy_load_members\":true},\"timeline\":{\"limit\":10}}}";
    private static final String REDUNDANT = "{\"room\":{\"state\":{\"lazy_load_members\":true,\"include_redundant_members\":true},"
            + "\"timeline\":{\"limit\":10}}}";
    private static final String ALICE = "@alice:localhost";
    private static final String BOB = "@bob:localhost";
    private static final String CHARLIE = "@charlie:localhost";
    private static final String DAVE = "@dave:localhost";

    @TempDir
    Path dir;

    private SyncClient c;
    private String alice;
    private String bob;
    private String charlie;
    private String dave;
    private String roomId;

    @AfterEach
    void stop() {
        if (c != null) {
            c.server.close();
        }
    }

    /** Alice's named room, which bob and charlie join. */
    private void start(String backend) throws Exception {
        c = new SyncClient(backend, dir);
        alice = c.http.register("alice", "alice-password");
        bob = c.http.register("bob", "bob-password");
        charlie = c.http.register("charlie", "charlie-password");
        dave = c.http.register("dave", "dave-password");
        roomId = c.room(alice, "{\"preset\":\"public_chat\",\"name\":\"A room name\"}");
        c.join(bob, roomId);
        c.join(charlie, roomId);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void initialSyncHasOnlyTheUserAndTheTimelineSenders(String backend) throws Exception {
        start(backend);
        {
            c.sendMany(bob, roomId, 10);
            c.sendMany(charlie, roomId, 10);
            assertThat(stateMembers(c.sync(alice, LAZY, null), roomId)).containsExactlyInAnyOrder(ALICE, CHARLIE);
            assertThat(stateMembers(c.sync(alice, null, null), roomId)).as("without lazy-loading, everyone")
                    .containsExactlyInAnyOrder(ALICE, BOB, CHARLIE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void incrementalSyncAddsNewSendersOnceEach(String backend) throws Exception {
        start(backend);
        {
            c.sendMany(bob, roomId, 10);
            JsonNode first = c.sync(alice, LAZY, null);
            assertThat(stateMembers(first, roomId)).containsExactlyInAnyOrder(ALICE, BOB);
            c.send(charlie, roomId, "from charlie");
            c.send(bob, roomId, "from bob again");
            JsonNode second = c.sync(alice, LAZY, first.path("next_batch").asText());
            assertThat(second.path("rooms").path("join").path(roomId).path("timeline").path("limited").asBoolean()).isFalse();
            assertThat(stateMembers(second, roomId)).as("bob's was sent already").containsExactly(CHARLIE);
            JsonNode retried = c.sync(alice, LAZY, first.path("next_batch").asText());
            assertThat(stateMembers(retried, roomId)).as("a retried sync (the answer may be lost) sends it again")
                    .containsExactly(CHARLIE);
            c.send(charlie, roomId, "and again");
            JsonNode third = c.sync(alice, LAZY, second.path("next_batch").asText());
            assertThat(stateMembers(third, roomId)).as("known since the token of the answer that carried it").isEmpty();
            JsonNode redundant = c.sync(alice, REDUNDANT, second.path("next_batch").asText());
            assertThat(stateMembers(redundant, roomId)).containsExactly(CHARLIE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void gappedSyncHasTheSendersAndTheMembersOfTheGap(String backend) throws Exception {
        start(backend);
        {
            c.sendMany(bob, roomId, 10);
            JsonNode first = c.sync(alice, LAZY, null);
            assertThat(stateMembers(first, roomId)).containsExactlyInAnyOrder(ALICE, BOB);
            c.join(dave, roomId);
            c.leave(bob, roomId);
            c.sendMany(charlie, roomId, 12);
            JsonNode second = c.sync(alice, LAZY, first.path("next_batch").asText());
            JsonNode room = second.path("rooms").path("join").path(roomId);
            assertThat(room.path("timeline").path("limited").asBoolean()).isTrue();
            assertThat(stateMembers(second, roomId)).containsExactlyInAnyOrder(CHARLIE, DAVE, BOB);
            room.path("state").path("events").forEach(e -> {
                if (e.path("state_key").asText().equals(BOB)) {
                    assertThat(e.path("content").path("membership").asText()).as("bob's leave, from the gap").isEqualTo("leave");
                }
            });
            JsonNode full = c.sync(alice, "{\"room\":{\"timeline\":{\"limit\":10}}}", first.path("next_batch").asText());
            assertThat(stateMembers(full, roomId)).as("without lazy-loading: the changes of the gap")
                    .containsExactlyInAnyOrder(DAVE, BOB);
        }
    }
}
