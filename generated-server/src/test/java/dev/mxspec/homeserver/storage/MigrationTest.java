package dev.mxspec.homeserver.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.storage.Records.Relation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database made by an earlier release opens with what later migrations add filled in from its data. */
class MigrationTest {

    @TempDir
    Path dir;

    private static void insertEvent(Connection c, long pos, String id, String type, String json, String redactedBy) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO events (stream_pos, event_id, room_id, type, state_key, sender, "
                + "origin_server_ts, depth, json, redacted_by) VALUES (?, ?, '!r:x', ?, NULL, '@a:x', 1, ?, ?, ?)")) {
            ps.setLong(1, pos);
            ps.setString(2, id);
            ps.setString(3, type);
            ps.setLong(4, pos);
            ps.setString(5, json);
            ps.setString(6, redactedBy);
            ps.executeUpdate();
        }
    }

    @Test
    void relationsOfEventsStoredBeforeTheRelationTableExistedAreFound() throws Exception {
        Path file = dir.resolve("homeserver.db");
        String url = "jdbc:sqlite:" + file;
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration").target("4").load().migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            insertEvent(c, 1, "$root", "m.room.message", "{\"content\":{\"body\":\"hi\"}}", null);
            insertEvent(c, 2, "$reply", "m.room.message",
                    "{\"content\":{\"body\":\"yo\",\"m.relates_to\":{\"rel_type\":\"m.thread\",\"event_id\":\"$root\"}}}", null);
            insertEvent(c, 3, "$like", "m.reaction",
                    "{\"content\":{\"m.relates_to\":{\"rel_type\":\"m.annotation\",\"event_id\":\"$root\",\"key\":\"+1\"}}}", null);
            insertEvent(c, 4, "$gone", "m.room.message",
                    "{\"content\":{\"m.relates_to\":{\"rel_type\":\"m.thread\",\"event_id\":\"$root\"}}}", "$redaction");
            insertEvent(c, 5, "$reply2", "m.room.message",
                    "{\"content\":{\"body\":\"a reply\",\"m.relates_to\":{\"m.in_reply_to\":{\"event_id\":\"$root\"}}}}", null);
        }
        try (Storage storage = SqliteStorage.open(file)) {
            assertThat(storage.relationsTo(List.of("$root"))).containsExactly(
                    new Relation("$reply", "$root", "m.thread", "!r:x", "@a:x", "m.room.message", Optional.empty(), 2),
                    new Relation("$like", "$root", "m.annotation", "!r:x", "@a:x", "m.reaction", Optional.of("+1"), 3));
            assertThat(storage.hasAnnotation("$root", "@a:x", "m.reaction", "+1")).isTrue();
            assertThat(storage.threads("!r:x", Optional.empty(), Long.MAX_VALUE, 10))
                    .containsExactly(new Records.ThreadRoot("$root", 2));
        }
    }
}
