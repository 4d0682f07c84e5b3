package dev.mxspec.homeserver.storage;

import java.util.List;
import java.util.Optional;

/** Registration tokens: how often each may be used, how often it is being and was used, until when. */
public interface RegistrationTokenStore {

    /**
     * A token. It is valid while unexpired and while its uses in progress ({@code pending}) and done ({@code completed})
     * stay below {@code usesAllowed} (no limit when empty).
     */
    record RegistrationToken(String token, Optional<Long> usesAllowed, long pending, long completed, Optional<Long> expiryTs,
            long createdTs) {

        public boolean valid(long now) {
            return expiryTs.map(e -> e > now).orElse(true) && usesAllowed.map(u -> pending + completed < u).orElse(true);
        }
    }

    /** Keeps a new token; false when it exists. */
    boolean createRegistrationToken(RegistrationToken token);

    Optional<RegistrationToken> registrationToken(String token);

    /** Counts a use in progress when the token is valid at {@code now}, in one step; false when it is not. */
    boolean reserveRegistrationToken(String token, long now);

    /** A use in progress became a registration. */
    void completeRegistrationToken(String token);

    List<RegistrationToken> registrationTokens();
}
