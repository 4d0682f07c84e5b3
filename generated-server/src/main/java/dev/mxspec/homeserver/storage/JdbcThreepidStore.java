package dev.mxspec.homeserver.storage;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The SQL of {@link ThreepidStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcThreepidStore extends ThreepidStore {

    Jdbc jdbc();

    @Override
    default void saveValidationSession(ValidationSession s) {
        // a session is renewed by a requestToken of its medium and secret only (an identity server gives the same sid again
        // for the same number and secret: the latest request says what it is for)
        jdbc().update("INSERT INTO threepid_validation_sessions (session_id, client_secret, medium, address, token, send_attempt, created_ms, "
                + "expires_ms, validated_ms, purpose, delegate) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET "
                + "send_attempt = excluded.send_attempt, token = excluded.token, expires_ms = excluded.expires_ms, purpose = excluded.purpose "
                + "WHERE threepid_validation_sessions.medium = excluded.medium AND threepid_validation_sessions.client_secret = excluded.client_secret",
                s.sessionId(), s.clientSecret(), s.medium(), s.address(), s.token(), s.sendAttempt(), s.createdMs(), s.expiresMs(),
                s.validatedMs(), s.purpose(), s.delegate());
    }

    @Override
    default Optional<ValidationSession> validationSession(String sessionId) {
        return jdbc().query("SELECT * FROM threepid_validation_sessions WHERE session_id = ?", JdbcThreepidStore::session, sessionId)
                .stream().findFirst();
    }

    @Override
    default Optional<ValidationSession> latestValidationSession(String clientSecret, String medium, String address, String purpose) {
        return jdbc().query("SELECT * FROM threepid_validation_sessions WHERE client_secret = ? AND medium = ? AND address = ? AND purpose = ? "
                + "ORDER BY created_ms DESC, session_id LIMIT 1", JdbcThreepidStore::session, clientSecret, medium, address, purpose).stream()
                .findFirst();
    }

    @Override
    default boolean validateSession(String sessionId, long nowMs) {
        return jdbc().update("UPDATE threepid_validation_sessions SET validated_ms = ? WHERE session_id = ? AND validated_ms IS NULL",
                nowMs, sessionId) == 1;
    }

    @Override
    default void deleteValidationSession(String sessionId) {
        jdbc().update("DELETE FROM threepid_validation_sessions WHERE session_id = ?", sessionId);
    }

    @Override
    default List<List<String>> threepidBindings(String userId) {
        return jdbc().query("SELECT medium, address, id_server FROM user_threepid_id_servers WHERE user_id = ? ORDER BY medium, address, id_server",
                rs -> List.of(rs.getString(1), rs.getString(2), rs.getString(3)), userId);
    }

    @Override
    default void deleteExpiredValidationSessions(long nowMs) {
        jdbc().update("DELETE FROM threepid_validation_sessions WHERE expires_ms < ?", nowMs);
    }

    @Override
    default boolean addUserThreepid(UserThreepid t) {
        return jdbc().transaction(c -> {
            List<String> owners = Jdbc.query(c, "SELECT user_id FROM user_threepids WHERE medium = ? AND address = ?", rs -> rs.getString(1),
                    t.medium(), t.address());
            if (!owners.isEmpty()) {
                return owners.getFirst().equals(t.userId());
            }
            return Jdbc.update(c, "INSERT INTO user_threepids (medium, address, user_id, validated_ms, added_ms) VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT (medium, address) DO NOTHING", t.medium(), t.address(), t.userId(), t.validatedMs(), t.addedMs()) == 1;
        });
    }

    @Override
    default Optional<UserThreepid> threepidOwner(String medium, String address) {
        return jdbc().query("SELECT * FROM user_threepids WHERE medium = ? AND address = ?", JdbcThreepidStore::threepid, medium, address)
                .stream().findFirst();
    }

    @Override
    default List<UserThreepid> userThreepids(String userId) {
        return jdbc().query("SELECT * FROM user_threepids WHERE user_id = ? ORDER BY added_ms, medium, address", JdbcThreepidStore::threepid,
                userId);
    }

    @Override
    default boolean removeUserThreepid(String userId, String medium, String address) {
        return jdbc().transaction(c -> {
            Jdbc.update(c, "DELETE FROM user_threepid_id_servers WHERE user_id = ? AND medium = ? AND address = ?", userId, medium, address);
            return Jdbc.update(c, "DELETE FROM user_threepids WHERE user_id = ? AND medium = ? AND address = ?", userId, medium, address) == 1;
        });
    }

    @Override
    default void addThreepidIdServer(String userId, String medium, String address, String idServer) {
        jdbc().update("INSERT INTO user_threepid_id_servers (user_id, medium, address, id_server) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (user_id, medium, address, id_server) DO NOTHING", userId, medium, address, idServer);
    }

    @Override
    default void removeThreepidIdServer(String userId, String medium, String address, String idServer) {
        jdbc().update("DELETE FROM user_threepid_id_servers WHERE user_id = ? AND medium = ? AND address = ? AND id_server = ?", userId,
                medium, address, idServer);
    }

    @Override
    default List<String> threepidIdServers(String userId, String medium, String address) {
        return jdbc().query("SELECT id_server FROM user_threepid_id_servers WHERE user_id = ? AND medium = ? AND address = ? ORDER BY id_server",
                rs -> rs.getString(1), userId, medium, address);
    }

    private static ValidationSession session(ResultSet rs) throws SQLException {
        return new ValidationSession(rs.getString("session_id"), rs.getString("client_secret"), rs.getString("medium"), rs.getString("address"),
                rs.getString("token"), rs.getLong("send_attempt"), rs.getLong("created_ms"), rs.getLong("expires_ms"),
                Jdbc.optLong(rs, "validated_ms"), Optional.ofNullable(rs.getString("purpose")), Optional.ofNullable(rs.getString("delegate")));
    }

    private static UserThreepid threepid(ResultSet rs) throws SQLException {
        return new UserThreepid(rs.getString("user_id"), rs.getString("medium"), rs.getString("address"), rs.getLong("validated_ms"),
                rs.getLong("added_ms"));
    }
}
