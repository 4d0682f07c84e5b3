package dev.mxspec.homeserver.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * The full-text index of room events ({@link SearchStore}), the one table whose declaration differs between the two
 * databases, and its entries for the events a database already holds (timeline events, redacted ones left out).
 *
 * <p>SQLite: an FTS5 table of the texts whose rowid is the event's stream position, with the porter stemmer over
 * Unicode words, and a table of each entry's room, sender and key.
 * PostgreSQL: the text's words ({@link SearchTerms#plain}), their {@code tsvector} in the {@code english} configuration
 * (generated from them) with a GIN index, and the room, sender and key beside them.
 */
public final class V20__SearchIndex extends BaseJavaMigration {

    private static final List<String> SQLITE = List.of(
            "CREATE VIRTUAL TABLE event_search_text USING fts5(value, tokenize = 'porter unicode61 remove_diacritics 2')",
            """
            CREATE TABLE event_search (
                stream_pos INTEGER PRIMARY KEY,
                room_id    TEXT NOT NULL,
                sender     TEXT NOT NULL,
                key        TEXT NOT NULL
            )""");

    private static final List<String> POSTGRES = List.of("""
            CREATE TABLE event_search (
                stream_pos BIGINT PRIMARY KEY,
                room_id    TEXT NOT NULL,
                sender     TEXT NOT NULL,
                key        TEXT NOT NULL,
                value      TEXT NOT NULL,
                vector     tsvector GENERATED ALWAYS AS (to_tsvector('english', value)) STORED
            )""",
            "CREATE INDEX event_search_vector ON event_search USING GIN (vector)",
            "CREATE INDEX event_search_by_room ON event_search (room_id, stream_pos)");

    private static final int BATCH = 1000;

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        boolean sqlite = Jdbc.sqlite(c);
        try (Statement st = c.createStatement()) {
            for (String ddl : sqlite ? SQLITE : POSTGRES) {
                st.execute(ddl);
            }
        }
        try (PreparedStatement read = c.prepareStatement("SELECT stream_pos, room_id, type, state_key, sender, json FROM events "
                + "WHERE status IS NULL AND redacted_by IS NULL AND type IN ('m.room.message', 'm.room.name', 'm.room.topic')");
                PreparedStatement entries = c.prepareStatement(sqlite ? "INSERT INTO event_search (stream_pos, key, room_id, sender) "
                        + "VALUES (?, ?, ?, ?)" : "INSERT INTO event_search (stream_pos, key, room_id, sender, value) VALUES (?, ?, ?, ?, ?)");
                PreparedStatement texts = sqlite ? c.prepareStatement("INSERT INTO " + JdbcSearchStore.FTS + " (rowid, value) VALUES (?, ?)")
                        : null) {
            read.setFetchSize(BATCH);
            int pending = 0;
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    Optional<List<String>> entry = JdbcSearchStore.entry(rs.getString("type"), Optional.ofNullable(rs.getString("state_key")),
                            rs.getString("json"));
                    if (entry.isEmpty()) {
                        continue;
                    }
                    long position = rs.getLong("stream_pos");
                    entries.setLong(1, position);
                    entries.setString(2, entry.get().get(0));
                    entries.setString(3, rs.getString("room_id"));
                    entries.setString(4, rs.getString("sender"));
                    if (sqlite) {
                        texts.setLong(1, position);
                        texts.setString(2, entry.get().get(1));
                        texts.addBatch();
                    } else {
                        entries.setString(5, SearchTerms.plain(entry.get().get(1)));
                    }
                    entries.addBatch();
                    if (++pending == BATCH) {
                        entries.executeBatch();
                        if (sqlite) {
                            texts.executeBatch();
                        }
                        pending = 0;
                    }
                }
            }
            if (pending > 0) {
                entries.executeBatch();
                if (sqlite) {
                    texts.executeBatch();
                }
            }
        }
        if (!sqlite) { // the planner's statistics of what was just written, before autovacuum would gather them
            try (Statement st = c.createStatement()) {
                st.execute("ANALYZE event_search");
            }
        }
    }
}
