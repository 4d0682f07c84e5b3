package dev.mxspec.homeserver.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The SQL of {@link UserDirectoryStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcUserDirectoryStore extends UserDirectoryStore {

    /** Room IDs per {@code IN (...)}: well below the parameter limits of both databases. */
    int CHUNK = 500;

    String MEMBERS = "SELECT cs.room_id, cs.state_key, e.json FROM current_state cs JOIN events e ON e.event_id = cs.event_id "
            + "JOIN memberships m ON m.room_id = cs.room_id AND m.user_id = cs.state_key "
            + "WHERE cs.type = 'm.room.member' AND m.membership = 'join' AND ";

    Jdbc jdbc();

    @Override
    default List<String> publicRoomIds() {
        Set<String> open = new LinkedHashSet<>();
        for (String[] row : jdbc().query("SELECT cs.room_id, cs.type, e.json FROM current_state cs JOIN events e ON e.event_id = cs.event_id "
                + "WHERE cs.state_key = '' AND cs.type IN ('m.room.join_rules', 'm.room.history_visibility') ORDER BY cs.room_id",
                rs -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)})) {
            JsonNode content = content(row[2]);
            boolean isOpen = row[1].equals("m.room.join_rules") ? content.path("join_rule").asText().equals("public")
                    : content.path("history_visibility").asText().equals("world_readable");
            if (isOpen) {
                open.add(row[0]);
            }
        }
        return List.copyOf(open);
    }

    @Override
    default List<DirectoryMember> membersOfRoomsSharedWith(String userId) {
        return jdbc().query(MEMBERS + "cs.room_id IN (SELECT room_id FROM memberships WHERE user_id = ? AND membership = 'join')",
                JdbcUserDirectoryStore::member, userId);
    }

    @Override
    default List<DirectoryMember> joinedMembers(Collection<String> roomIds) {
        List<String> ids = List.copyOf(roomIds);
        List<DirectoryMember> out = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            out.addAll(jdbc().query(MEMBERS + "cs.room_id IN (" + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")",
                    JdbcUserDirectoryStore::member, chunk.toArray()));
        }
        return out;
    }

    private static DirectoryMember member(ResultSet rs) throws SQLException {
        return new DirectoryMember(rs.getString(1), rs.getString(2), content(rs.getString(3)).toString());
    }

    private static JsonNode content(String eventJson) {
        try {
            return MatrixJson.mapper().readTree(eventJson).path("content");
        } catch (IOException e) {
            throw new StorageException(new SQLException("an event's JSON does not parse", e));
        }
    }
}
