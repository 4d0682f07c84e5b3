package dev.mxspec.homeserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.storage.Records.AccessToken;
import dev.mxspec.homeserver.storage.Records.Device;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.Room;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.Records.User;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same behaviour from both storages. */
class StorageTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void accountsDevicesAndTokens(String backend) throws Exception {
        try (Storage s = Backends.open(backend, dir)) {
            User alice = new User("@alice:localhost", Optional.of("$argon2id$hash"), false, false, Optional.empty(), Optional.empty(), 1);
            assertThat(s.createUser(alice)).isTrue();
            assertThat(s.createUser(alice)).as("a taken user ID").isFalse();
            assertThat(s.user("@alice:localhost")).contains(alice);

            s.saveDevice(new Device("@alice:localhost", "DEV1", Optional.of("phone"), Optional.of(5L), Optional.empty()));
            s.saveAccessToken(new AccessToken("h1", "@alice:localhost", "DEV1", Optional.empty(), Optional.empty()));
            assertThat(s.accessToken("h1")).map(AccessToken::deviceId).contains("DEV1");

            s.deleteDevice("@alice:localhost", "DEV1");
            assertThat(s.devices("@alice:localhost")).isEmpty();
            assertThat(s.accessToken("h1")).as("tokens go with their device").isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void eventsStateAndMembershipsAreWrittenTogether(String backend) throws Exception {
        try (Storage s = Backends.open(backend, dir)) {
            s.createRoom(new Room("!r:localhost", "10", "@alice:localhost", false, 1));
            StoredEvent member = new StoredEvent(1, "$m", "!r:localhost", "m.room.member", Optional.of("@alice:localhost"),
                    "@alice:localhost", 10, 1, "{\"type\":\"m.room.member\"}", Optional.empty(), Optional.empty());
            s.persistEvent(member, write(member, Optional.of(new Membership("!r:localhost", "@alice:localhost", "join", "$m", 1))), Optional.empty(),
                    List.of(), List.of());
            StoredEvent message = new StoredEvent(2, "$t", "!r:localhost", "m.room.message", Optional.empty(), "@alice:localhost", 11, 2,
                    "{\"type\":\"m.room.message\"}", Optional.empty(), Optional.of(new Records.Txn("DEV1", "t0")));
            assertThat(s.persistEvent(message, write(message, Optional.empty()), Optional.empty(), List.of(), List.of())).isTrue();
            StoredEvent again = new StoredEvent(3, "$t2", "!r:localhost", "m.room.message", Optional.empty(), "@alice:localhost", 12, 3,
                    "{\"type\":\"m.room.message\"}", Optional.empty(), Optional.of(new Records.Txn("DEV1", "t0")));
            assertThat(s.persistEvent(again, write(again, Optional.empty()), Optional.empty(), List.of(), List.of()))
                    .as("a used transaction ID").isFalse();
            assertThat(s.event("$t2")).as("nothing of it is stored").isEmpty();

            assertThat(s.currentState("!r:localhost")).containsExactly(java.util.Map.entry(List.of("m.room.member", "@alice:localhost"), "$m"));
            assertThat(s.membershipsOfUser("@alice:localhost")).extracting(Membership::membership).containsExactly("join");
            assertThat(s.roomEvents("!r:localhost", 0, 2, 10, true)).extracting(StoredEvent::eventId).containsExactly("$t", "$m");
            assertThat(s.roomEvents("!r:localhost", 1, 2, 10, false)).extracting(StoredEvent::eventId).containsExactly("$t");
            assertThat(s.maxStreamPos()).isEqualTo(2);
            assertThat(s.txnEvent("@alice:localhost", "DEV1", "t0")).as("the transaction is stored with its event").contains("$t");
            assertThat(s.event("$t")).flatMap(StoredEvent::txn).contains(new Records.Txn("DEV1", "t0"));

            s.saveTxn("@alice:localhost", "DEV1", "t1", "$t");
            s.saveTxn("@alice:localhost", "DEV1", "t1", "$other");
            assertThat(s.txnEvent("@alice:localhost", "DEV1", "t1")).contains("$t");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void dataSurvivesReopening(String backend) throws Exception {
        String url = backend.equals("postgresql") ? Backends.postgresSchemaUrl() : null;
        try (Storage s = backend.equals("sqlite") ? SqliteStorage.open(dir.resolve("h.db")) : PostgresStorage.open(url)) {
            s.createUser(new User("@bob:localhost", Optional.empty(), true, false, Optional.of("Bob"), Optional.empty(), 2));
        }
        try (Storage s = backend.equals("sqlite") ? SqliteStorage.open(dir.resolve("h.db")) : PostgresStorage.open(url)) {
            assertThat(s.user("@bob:localhost")).map(User::displayname).contains(Optional.of("Bob"));
        }
    }

    /** The graph write of an event that follows the room's one extremity and, for a state event, sets its key. */
    private static Records.GraphWrite write(StoredEvent e, Optional<Membership> membership) {
        java.util.Map<List<String>, Optional<String>> state = e.stateKey().isPresent()
                ? java.util.Map.of(List.of(e.type(), e.stateKey().get()), Optional.of(e.eventId())) : java.util.Map.of();
        return new Records.GraphWrite(List.of(), List.of(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(), List.of(),
                List.of(GraphStore.LATEST), List.of(), List.of(), state, membership.stream().toList());
    }
}
