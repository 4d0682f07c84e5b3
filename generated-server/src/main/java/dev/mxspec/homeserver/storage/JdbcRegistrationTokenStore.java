package dev.mxspec.homeserver.storage;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The SQL of {@link RegistrationTokenStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcRegistrationTokenStore extends RegistrationTokenStore {

    Jdbc jdbc();

    @Override
    default boolean createRegistrationToken(RegistrationToken t) {
        return jdbc().update("INSERT INTO registration_tokens (token, uses_allowed, pending, completed, expiry_ts, created_ts) "
                + "VALUES (?, ?, 0, 0, ?, ?) ON CONFLICT (token) DO NOTHING", t.token(), t.usesAllowed(), t.expiryTs(), t.createdTs()) == 1;
    }

    @Override
    default Optional<RegistrationToken> registrationToken(String token) {
        return jdbc().one("SELECT * FROM registration_tokens WHERE token = ?", JdbcRegistrationTokenStore::row, token);
    }

    @Override
    default boolean reserveRegistrationToken(String token, long now) {
        return jdbc().update("UPDATE registration_tokens SET pending = pending + 1 WHERE token = ? AND (expiry_ts IS NULL OR expiry_ts > ?) "
                + "AND (uses_allowed IS NULL OR pending + completed < uses_allowed)", token, now) == 1;
    }

    @Override
    default void completeRegistrationToken(String token) {
        jdbc().update("UPDATE registration_tokens SET pending = CASE WHEN pending > 0 THEN pending - 1 ELSE 0 END, completed = completed + 1 "
                + "WHERE token = ?", token);
    }

    @Override
    default List<RegistrationToken> registrationTokens() {
        return jdbc().query("SELECT * FROM registration_tokens ORDER BY created_ts, token", JdbcRegistrationTokenStore::row);
    }

    private static RegistrationToken row(ResultSet rs) throws SQLException {
        return new RegistrationToken(rs.getString("token"), Jdbc.optLong(rs, "uses_allowed"), rs.getLong("pending"), rs.getLong("completed"),
                Jdbc.optLong(rs, "expiry_ts"), rs.getLong("created_ts"));
    }
}
