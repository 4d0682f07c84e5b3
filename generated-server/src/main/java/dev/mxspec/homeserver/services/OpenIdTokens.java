package dev.mxspec.homeserver.services;

import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.homeserver.storage.OpenIdStore;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongSupplier;

/**
 * OpenID tokens ("OpenID"): a user asks for one to prove who he is to a third party, which asks this server
 * ({@code /_matrix/federation/v1/openid/userinfo}) whose it is until it expires. Only a hash of each token is kept.
 */
public final class OpenIdTokens {

    /** How long a token is valid (Synapse's: an hour). */
    public static final long LIFETIME_MS = 3600_000;

    /**
     * A token handed out.
     *
     * @param token the token, secret
     * @param expiresInSeconds how long it is valid
     */
    public record Issued(String token, long expiresInSeconds) {

        @Override
        public String toString() {
            return "Issued[expiresInSeconds=" + expiresInSeconds + "]";
        }
    }

    private final OpenIdStore store;
    private final LongSupplier clock;

    public OpenIdTokens(OpenIdStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A new token for {@code userId}. */
    public Issued issue(String userId) {
        long now = clock.getAsLong();
        store.deleteExpiredOpenIdTokens(now);
        String token = Ids.random(32);
        store.saveOpenIdToken(hash(token), userId, now + LIFETIME_MS);
        return new Issued(token, LIFETIME_MS / 1000);
    }

    /** The user a token was handed to; 401 {@code M_UNKNOWN_TOKEN} for a token unknown or expired. */
    public String user(String token) {
        return store.openIdUser(hash(token), clock.getAsLong())
                .orElseThrow(() -> new MatrixException(401, ErrorCodes.M_UNKNOWN_TOKEN, "unknown or expired OpenID token"));
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
