package dev.mxspec.homeserver.storage;

import java.util.List;
import java.util.Optional;

/**
 * Third-party identifiers: the validation sessions of the {@code requestToken} endpoints, the identifiers of
 * accounts (one account per identifier), and the identity servers an account bound each through.
 */
public interface ThreepidStore {

    /**
     * A validation session: the token mailed to {@code address}, validated once submitted; or a session of an identity
     * server ({@code delegate}), which sent the token and validates it (no token here).
     *
     * @param purpose what the session was requested for ({@code register}, {@code add}, {@code password_reset}); none
     *     for sessions made before purposes were kept
     */
    record ValidationSession(String sessionId, String clientSecret, String medium, String address, String token, long sendAttempt,
            long createdMs, long expiresMs, Optional<Long> validatedMs, Optional<String> purpose, Optional<String> delegate) {

        /** Without the secret and the token, which are never written out. */
        @Override
        public String toString() {
            return "ValidationSession[" + sessionId + ", " + medium + "]";
        }
    }

    /** An identifier of an account. */
    record UserThreepid(String userId, String medium, String address, long validatedMs, long addedMs) {}

    void saveValidationSession(ValidationSession session);

    Optional<ValidationSession> validationSession(String sessionId);

    /** The newest session of this client secret for this address and purpose, for {@code send_attempt} idempotency. */
    Optional<ValidationSession> latestValidationSession(String clientSecret, String medium, String address, String purpose);

    /** Marks a session validated at {@code nowMs}; false when it already was. */
    boolean validateSession(String sessionId, long nowMs);

    /** Drops a session (used up by a password reset). */
    void deleteValidationSession(String sessionId);

    /** Drops sessions that expired before {@code nowMs}. */
    void deleteExpiredValidationSessions(long nowMs);

    /** Gives {@code address} to {@code userId}; false when another account has it. */
    boolean addUserThreepid(UserThreepid threepid);

    Optional<UserThreepid> threepidOwner(String medium, String address);

    List<UserThreepid> userThreepids(String userId);

    /** Removes the identifier from the account, with its identity server bindings; false when the account did not have it. */
    boolean removeUserThreepid(String userId, String medium, String address);

    void addThreepidIdServer(String userId, String medium, String address, String idServer);

    void removeThreepidIdServer(String userId, String medium, String address, String idServer);

    /** Every identifier {@code userId} bound at an identity server: medium, address and identity server. */
    List<List<String>> threepidBindings(String userId);

    /** The identity servers {@code userId} bound the identifier through, oldest name first. */
    List<String> threepidIdServers(String userId, String medium, String address);
}
