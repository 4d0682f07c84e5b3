package dev.mxspec.homeserver.storage;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The SQL of {@link ReportStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcReportStore extends ReportStore {

    Jdbc jdbc();

    @Override
    default EventReport saveReport(String roomId, String eventId, String reporter, Optional<String> reason, Optional<Long> score,
            long receivedTs) {
        return jdbc().transaction(c -> {
            long id = Jdbc.query(c, "SELECT COALESCE(MAX(report_id), 0) + 1 FROM event_reports", rs -> rs.getLong(1)).getFirst();
            Jdbc.update(c, "INSERT INTO event_reports (report_id, room_id, event_id, reporter, reason, score, received_ts) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?)", id, roomId, eventId, reporter, reason, score, receivedTs);
            return new EventReport(id, roomId, eventId, reporter, reason, score, receivedTs);
        });
    }

    @Override
    default List<EventReport> reports(long since, int limit) {
        return jdbc().query("SELECT * FROM event_reports WHERE received_ts >= ? ORDER BY report_id LIMIT ?", JdbcReportStore::report, since,
                limit);
    }

    private static EventReport report(ResultSet rs) throws SQLException {
        return new EventReport(rs.getLong("report_id"), rs.getString("room_id"), rs.getString("event_id"), rs.getString("reporter"),
                Jdbc.optString(rs, "reason"), Jdbc.optLong(rs, "score"), rs.getLong("received_ts"));
    }
}
