package dev.mxspec.homeserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.SearchStore.Hit;
import dev.mxspec.homeserver.storage.SearchStore.Query;
import dev.mxspec.homeserver.storage.SearchStore.RoomScope;
import dev.mxspec.homeserver.storage.SearchStore.Span;
import dev.mxspec.runtime.json.MatrixJson;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The search index of both storages: what is indexed with its event, what is never, what redaction removes, and the upgrade that indexes what a database holds. */
class SearchStoreTest {

    private static final String ROOM = "!r:localhost";
    private static final String ALICE = "@alice:localhost";

    @TempDir
    Path dir;

    private static StoredEvent event(long pos, String id, String type, Optional<String> stateKey, String sender, String content) {
        String json = "{\"type\":\"" + type + "\",\"room_id\":\"" + ROOM + "\",\"sender\":\"" + sender + "\",\"content\":" + content + "}";
        return new StoredEvent(pos, id, ROOM, type, stateKey, sender, pos, pos, json, Optional.empty(), Optional.empty());
    }

    private static StoredEvent message(long pos, String id, String body) {
        return event(pos, id, "m.room.message", Optional.empty(), ALICE, "{\"msgtype\":\"m.text\",\"body\":" + MatrixJson.write(body) + "}");
    }

    private static Records.GraphWrite write(Optional<EventStatus> status) {
        return new Records.GraphWrite(List.of(), List.of(), status, Optional.empty(), Optional.empty(), List.of(), List.of(), List.of(),
                List.of(), List.of(), java.util.Map.of(), List.of());
    }

    private static void persist(Storage s, StoredEvent e, Optional<EventStatus> status) {
        assertThat(s.persistEvent(e, write(status), Optional.empty(), List.of(), List.of())).isTrue();
    }

    private static Query query(String term, boolean byRank) {
        return new Query(term, List.of(new RoomScope(ROOM, Long.MAX_VALUE)), Set.copyOf(SearchStore.KEYS), Optional.empty(), Set.of(), byRank);
    }

    private static List<String> ids(List<Hit> hits) {
        return hits.stream().map(h -> h.event().eventId()).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void timelineEventsAreIndexedWithTheirEventAndRedactionRemovesThem(String backend) throws Exception {
        try (Storage s = Backends.open(backend, dir)) {
            s.createRoom(new Records.Room(ROOM, "10", ALICE, false, 1));
            persist(s, message(1, "$one", "Martians are landing"), Optional.empty());
            persist(s, event(2, "$name", "m.room.name", Optional.of(""), ALICE, "{\"name\":\"The martian room\"}"), Optional.empty());
            persist(s, event(3, "$topic", "m.room.topic", Optional.of(""), ALICE, "{\"topic\":\"all about a martian\"}"), Optional.empty());
            persist(s, message(-4, "$outlier", "martian outlier"), Optional.of(EventStatus.OUTLIER));
            persist(s, message(-5, "$rejected", "martian rejected"), Optional.of(EventStatus.REJECTED));
            persist(s, event(6, "$secret", "m.room.encrypted", Optional.empty(), ALICE, "{\"ciphertext\":\"martian\",\"body\":\"martian\"}"),
                    Optional.empty());
            persist(s, event(7, "$odd", "m.room.message", Optional.empty(), ALICE, "{\"body\":[\"martian\"]}"), Optional.empty());
            persist(s, message(8, "$nul", "a martian\u0000with a NUL"), Optional.empty());
            s.storeBackfilled(message(-9, "$old", "martian history"), write(Optional.empty()));

            assertThat(ids(s.search(query("martian", false), Optional.empty(), 10)))
                    .containsExactly("$nul", "$topic", "$name", "$one", "$old");
            assertThat(s.count(query("martian", false), Map.of(ROOM, List.of(new Span(Long.MIN_VALUE, Long.MAX_VALUE))))).isEqualTo(5);
            assertThat(ids(s.search(new Query("martian", List.of(new RoomScope(ROOM, Long.MAX_VALUE)), Set.of("content.topic"),
                    Optional.empty(), Set.of(), false), Optional.empty(), 10))).containsExactly("$topic");
            assertThat(s.search(query("landing", true), Optional.empty(), 10)).singleElement()
                    .satisfies(h -> assertThat(h.words()).containsExactly("landing"));
            assertThat(s.search(query("martian", true), Optional.empty(), 10)).allSatisfy(h -> assertThat(h.rank()).isPositive());
            assertThat(ids(s.search(new Query("martian", List.of(new RoomScope(ROOM, 3)), Set.copyOf(SearchStore.KEYS), Optional.empty(),
                    Set.of(), false), Optional.empty(), 10))).as("a room searched up to a position").containsExactly("$topic", "$name", "$one", "$old");

            s.markRedacted("$one", "$redaction", "{\"type\":\"m.room.message\",\"content\":{}}");
            assertThat(ids(s.search(query("landing", false), Optional.empty(), 10))).isEmpty();
            persist(s, message(10, "$outlier", "martian outlier"), Optional.empty()); // received later in the timeline
            assertThat(ids(s.search(query("outlier", false), Optional.empty(), 10))).containsExactly("$outlier");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void countsAreOfTheMatchesInTheSpansOfEachRoom(String backend) throws Exception {
        try (Storage s = Backends.open(backend, dir)) {
            s.createRoom(new Records.Room(ROOM, "10", ALICE, false, 1));
            for (int i = 1; i <= 12; i++) {
                persist(s, message(i, "$m" + i, i % 3 == 0 ? "nothing" : "plum " + i), Optional.empty());
            }
            Query plum = query("plum", false);
            assertThat(s.count(plum, Map.of(ROOM, List.of(new Span(1, Long.MAX_VALUE))))).isEqualTo(8);
            assertThat(s.count(plum, Map.of(ROOM, List.of(new Span(2, 4), new Span(8, 10))))).isEqualTo(4); // 2, 4, 8, 10
            assertThat(s.count(plum, Map.of(ROOM, List.of(new Span(13, 20))))).isZero();
            assertThat(s.count(plum, Map.of(ROOM, List.of()))).as("a room without spans").isZero();
            assertThat(s.count(plum, Map.of("!other:localhost", List.of(new Span(1, 12))))).as("spans of another room").isZero();
            Query upTo = new Query("plum", List.of(new RoomScope(ROOM, 5)), Set.copyOf(SearchStore.KEYS), Optional.empty(), Set.of(), true);
            assertThat(s.count(upTo, Map.of(ROOM, List.of(new Span(2, 11))))).as("spans within the room's scope").isEqualTo(3); // 2, 4, 5
            Query others = new Query("plum", plum.rooms(), plum.keys(), Optional.of(Set.of("@bob:localhost")), Set.of(), false);
            assertThat(s.count(others, Map.of(ROOM, List.of(new Span(1, 12))))).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void accentsAndCaseAreFoldedTheSameWayOnBothDatabasesAndMatchedWordsComeAsWritten(String backend) throws Exception {
        try (Storage s = Backends.open(backend, dir)) {
            s.createRoom(new Records.Room(ROOM, "10", ALICE, false, 1));
            persist(s, message(1, "$cafe", "Un Café au lait"), Optional.empty());
            persist(s, message(2, "$naive", "a naïve question"), Optional.empty());
            persist(s, message(3, "$greek", "ένας καφές, παρακαλώ"), Optional.empty());
            persist(s, message(4, "$plain", "cafe naive"), Optional.empty());
            persist(s, message(5, "$decomposed", "cafe\u0301 crème"), Optional.empty());
            for (String term : List.of("cafe", "CAFÉ", "café", "Cafe\u0301")) {
                assertThat(ids(s.search(query(term, false), Optional.empty(), 10))).as(term).containsExactly("$decomposed", "$plain", "$cafe");
            }
            assertThat(ids(s.search(query("naive", false), Optional.empty(), 10))).containsExactly("$plain", "$naive");
            assertThat(ids(s.search(query("NAÏVE", false), Optional.empty(), 10))).containsExactly("$plain", "$naive");
            for (String term : List.of("καφες", "ΚΑΦΈΣ", "καφές", "\"ενας καφες\"")) {
                assertThat(ids(s.search(query(term, false), Optional.empty(), 10))).as(term).containsExactly("$greek");
            }
            assertThat(ids(s.search(query("creme", false), Optional.empty(), 10))).containsExactly("$decomposed");
            assertThat(s.search(query("cafe", false), Optional.empty(), 10).getLast().words()).as("as the text writes them").containsExactly("Café");
            assertThat(s.search(query("καφες", false), Optional.empty(), 10).getFirst().words()).containsExactly("καφές");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void pagesByRankAndByRecencyFollowEachOtherWithoutRepeats(String backend) throws Exception {
        try (Storage s = Backends.open(backend, dir)) {
            s.createRoom(new Records.Room(ROOM, "10", ALICE, false, 1));
            for (int i = 1; i <= 30; i++) {
                persist(s, message(i, "$m" + i, "banana " + "banana ".repeat(i % 4) + "filler ".repeat(i % 3)), Optional.empty());
            }
            for (boolean byRank : List.of(true, false)) {
                List<Hit> all = s.search(query("banana", byRank), Optional.empty(), 100);
                assertThat(all).hasSize(30);
                List<Hit> paged = new ArrayList<>();
                Optional<SearchStore.Position> after = Optional.empty();
                while (true) {
                    List<Hit> page = s.search(query("banana", byRank), after, 7);
                    paged.addAll(page);
                    if (page.size() < 7) {
                        break;
                    }
                    after = Optional.of(page.getLast().position());
                }
                assertThat(ids(paged)).as(byRank ? "by rank" : "by recency").isEqualTo(ids(all));
                if (byRank) {
                    for (int i = 1; i < all.size(); i++) {
                        assertThat(all.get(i).rank()).isLessThanOrEqualTo(all.get(i - 1).rank());
                    }
                    assertThat(all.getFirst().rank()).isGreaterThan(all.getLast().rank());
                } else {
                    assertThat(all.getFirst().event().eventId()).isEqualTo("$m30");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aDatabaseOfTheReleaseBeforeSearchHasItsEventsIndexedWhenItOpens(String backend) throws Exception {
        String url = backend.equals("sqlite") ? "jdbc:sqlite:" + dir.resolve("homeserver.db") : Backends.postgresSchemaUrl();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration")
                .javaMigrations(new V6__RelationsOfExistingEvents(), new V9__RoomGraphOfExistingEvents()).target("19").load().migrate();
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement ps = c.prepareStatement("INSERT INTO events (stream_pos, event_id, room_id, type, state_key, sender, "
                        + "origin_server_ts, depth, json, redacted_by, status) VALUES (?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?)")) {
            List<Object[]> rows = List.of(
                    new Object[] {1L, "$kept", "m.room.message", null, message(1, "$kept", "kept from earlier").json(), null, null},
                    new Object[] {2L, "$topic", "m.room.topic", "", "{\"content\":{\"topic\":\"earlier topic\"}}", null, null},
                    new Object[] {3L, "$gone", "m.room.message", null, message(3, "$gone", "redacted earlier").json(), "$r", null},
                    new Object[] {-4L, "$out", "m.room.message", null, message(-4, "$out", "outlier earlier").json(), null, "outlier"},
                    new Object[] {5L, "$member", "m.room.member", ALICE, "{\"content\":{\"membership\":\"join\"}}", null, null});
            for (Object[] row : rows) {
                ps.setLong(1, (Long) row[0]);
                ps.setString(2, (String) row[1]);
                ps.setString(3, ROOM);
                ps.setString(4, (String) row[2]);
                ps.setString(5, (String) row[3]);
                ps.setString(6, ALICE);
                ps.setString(7, (String) row[4]);
                ps.setString(8, (String) row[5]);
                ps.setString(9, (String) row[6]);
                ps.executeUpdate();
            }
        }
        try (Storage s = backend.equals("sqlite") ? SqliteStorage.open(dir.resolve("homeserver.db")) : PostgresStorage.open(url)) {
            assertThat(ids(s.search(query("earlier", false), Optional.empty(), 10))).containsExactly("$topic", "$kept");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anIndexWrittenBeforeFoldingIsFoldedWhenTheDatabaseOpens(String backend) throws Exception {
        String url = backend.equals("sqlite") ? "jdbc:sqlite:" + dir.resolve("homeserver.db") : Backends.postgresSchemaUrl();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration")
                .javaMigrations(new V6__RelationsOfExistingEvents(), new V9__RoomGraphOfExistingEvents()).target("19").load().migrate();
        insertMessages(url, List.of("Café CRÈME", "naïve", "Καφές", "plain words"));
        // the index as the releases before folding wrote it (V20 indexes the events held)
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").javaMigrations(new V6__RelationsOfExistingEvents(),
                new V9__RoomGraphOfExistingEvents(), new V20__SearchIndex()).target("24").load().migrate();
        try (Connection c = DriverManager.getConnection(url); java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery(backend.equals("sqlite") ? "SELECT value FROM event_search_text WHERE rowid = 1"
                        : "SELECT value FROM event_search WHERE stream_pos = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("Café CRÈME");
        }
        try (Storage s = backend.equals("sqlite") ? SqliteStorage.open(dir.resolve("homeserver.db")) : PostgresStorage.open(url)) {
            assertThat(ids(s.search(query("cafe creme", false), Optional.empty(), 10))).containsExactly("$e0");
            assertThat(ids(s.search(query("naive", false), Optional.empty(), 10))).containsExactly("$e1");
            assertThat(ids(s.search(query("καφες", false), Optional.empty(), 10))).containsExactly("$e2");
            assertThat(ids(s.search(query("words", false), Optional.empty(), 10))).containsExactly("$e3");
            assertThat(s.search(query("cafe", false), Optional.empty(), 10).getFirst().words()).containsExactly("Café");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anIndexFoldedBeforeCompatibilityFormsAndHebrewAndArabicMarksIsFoldedAgain(String backend) throws Exception {
        String url = backend.equals("sqlite") ? "jdbc:sqlite:" + dir.resolve("homeserver.db") : Backends.postgresSchemaUrl();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration")
                .javaMigrations(new V6__RelationsOfExistingEvents(), new V9__RoomGraphOfExistingEvents()).target("19").load().migrate();
        insertMessages(url, List.of("ﬁle ＭＡＴＲＩＸ", "שָׁלוֹם", "مَرْحَبًا", "plain words"));
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").javaMigrations(new V6__RelationsOfExistingEvents(),
                new V9__RoomGraphOfExistingEvents(), new V20__SearchIndex(), new V26__FoldedSearchText()).target("26").load().migrate();
        // the index as V26 folded it before compatibility forms and the marks of Hebrew and Arabic were folded
        List<String> folded = List.of("ﬁle ｍａｔｒｉｘ", "שָׁלוֹם", "مَرْحَبًا", "plain words");
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement ps = c.prepareStatement(backend.equals("sqlite") ? "UPDATE event_search_text SET value = ? WHERE rowid = ?"
                        : "UPDATE event_search SET value = ? WHERE stream_pos = ?")) {
            for (int i = 0; i < folded.size(); i++) {
                ps.setString(1, folded.get(i));
                ps.setLong(2, i + 1);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
        try (Storage s = backend.equals("sqlite") ? SqliteStorage.open(dir.resolve("homeserver.db")) : PostgresStorage.open(url)) {
            assertThat(ids(s.search(query("file matrix", false), Optional.empty(), 10))).containsExactly("$e0");
            assertThat(ids(s.search(query("ﬁle", false), Optional.empty(), 10))).containsExactly("$e0");
            assertThat(ids(s.search(query("שלום", false), Optional.empty(), 10))).containsExactly("$e1");
            assertThat(ids(s.search(query("مرحبا", false), Optional.empty(), 10))).containsExactly("$e2");
            assertThat(ids(s.search(query("words", false), Optional.empty(), 10))).containsExactly("$e3");
            assertThat(s.search(query("matrix", false), Optional.empty(), 10).getFirst().words()).containsExactly("ＭＡＴＲＩＸ");
        }
    }

    /** Messages {@code $e0}, {@code $e1}... with these bodies, written straight into the events table (as a database of an earlier release holds them). */
    private static void insertMessages(String url, List<String> bodies) throws Exception {
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement ps = c.prepareStatement("INSERT INTO events (stream_pos, event_id, room_id, type, state_key, sender, "
                        + "origin_server_ts, depth, json) VALUES (?, ?, ?, 'm.room.message', NULL, ?, 1, 1, ?)")) {
            for (int i = 0; i < bodies.size(); i++) {
                ps.setLong(1, i + 1);
                ps.setString(2, "$e" + i);
                ps.setString(3, ROOM);
                ps.setString(4, ALICE);
                ps.setString(5, message(i + 1, "$e" + i, bodies.get(i)).json());
                ps.executeUpdate();
            }
        }
    }
}
