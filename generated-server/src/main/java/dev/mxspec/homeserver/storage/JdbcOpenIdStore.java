package dev.mxspec.homeserver.storage;

import java.util.Optional;

/** The SQL of {@link OpenIdStore} (portable: SQLite and PostgreSQL), mixed into {@link JdbcStorage}. */
interface JdbcOpenIdStore extends OpenIdStore {

    Jdbc jdbc();

    @Override
    default void saveOpenIdToken(String token, String userId, long expiresTs) {
        jdbc().update("INSERT INTO openid_tokens (token, user_id, expires_ts) VALUES (?, ?, ?)", token, userId, expiresTs);
    }

    @Override
    default Optional<String> openIdUser(String token, long now) {
        return jdbc().one("SELECT user_id FROM openid_tokens WHERE token = ? AND expires_ts > ?", rs -> rs.getString(1), token, now);
    }

    @Override
    default void deleteExpiredOpenIdTokens(long now) {
        jdbc().update("DELETE FROM openid_tokens WHERE expires_ts <= ?", now);
    }
}
