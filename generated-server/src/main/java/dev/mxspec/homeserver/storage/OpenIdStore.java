package dev.mxspec.homeserver.storage;

import java.util.Optional;

/** OpenID tokens: each names the user it was handed to and when it expires. */
public interface OpenIdStore {

    void saveOpenIdToken(String token, String userId, long expiresTs);

    /** The user holding {@code token}, when it has not expired by {@code now}. */
    Optional<String> openIdUser(String token, long now);

    /** Forgets tokens expired by {@code now}. */
    void deleteExpiredOpenIdTokens(long now);
}
