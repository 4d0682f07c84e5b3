package dev.mxspec.homeserver.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.storage.Records.Relation;
import dev.mxspec.runtime.json.MatrixJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/** Fills {@code event_relations} (made by V5) from the events a database already holds, redacted ones left out. */
public final class V6__RelationsOfExistingEvents extends BaseJavaMigration {

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        List<Relation> found = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id, room_id, sender, type, json, stream_pos FROM events "
                + "WHERE redacted_by IS NULL AND json LIKE ?")) {
            ps.setString(1, "%m.relates_to%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    JsonNode content = MatrixJson.mapper().readTree(rs.getString("json")).path("content");
                    Optional<Relation> r = Relation.of(rs.getString("event_id"), rs.getString("room_id"), rs.getString("sender"),
                            rs.getString("type"), content, rs.getLong("stream_pos"));
                    r.ifPresent(found::add);
                }
            }
        }
        for (Relation r : found) {
            JdbcRelationStore.insert(c, r);
        }
    }
}
