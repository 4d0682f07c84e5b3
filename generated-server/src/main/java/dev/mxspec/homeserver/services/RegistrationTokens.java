package dev.mxspec.homeserver.services;

import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.homeserver.storage.RegistrationTokenStore;
import dev.mxspec.homeserver.storage.RegistrationTokenStore.RegistrationToken;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * Registration tokens ({@code m.login.registration_token}): made by operators ({@code create-registration-token}),
 * at most 64 characters of {@code [A-Za-z0-9._~-]} as the spec says, limited in uses and time when asked. A token's use
 * is counted while a registration is in progress with it, so that a token for one use cannot register two people at
 * once, and counted as done when the account exists.
 */
public final class RegistrationTokens {

    public static final Pattern FORMAT = Pattern.compile("[A-Za-z0-9._~-]{1,64}");

    private final RegistrationTokenStore store;
    private final LongSupplier clock;

    public RegistrationTokens(RegistrationTokenStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Makes a token (a random one of 16 characters when none is given); the token made. */
    public RegistrationToken create(Optional<String> token, Optional<Long> usesAllowed, Optional<Long> expiresInMs) {
        String value = token.orElseGet(() -> Ids.random(16));
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("a registration token is 1 to 64 characters of A-Z, a-z, 0-9 and ._~-, not '" + value + "'");
        }
        if (usesAllowed.isPresent() && usesAllowed.get() < 1 || expiresInMs.isPresent() && expiresInMs.get() < 1) {
            throw new IllegalArgumentException("uses and expiry must be positive");
        }
        long now = clock.getAsLong();
        RegistrationToken made = new RegistrationToken(value, usesAllowed, 0, 0, expiresInMs.map(ms -> now + ms), now);
        if (!store.createRegistrationToken(made)) {
            throw new IllegalArgumentException("the registration token '" + value + "' exists");
        }
        return made;
    }

    /** Whether the token may be used now. */
    public boolean valid(String token) {
        return FORMAT.matcher(token).matches() && store.registrationToken(token).map(t -> t.valid(clock.getAsLong())).orElse(false);
    }

    /** Counts a use in progress; false when the token is not valid now. */
    public boolean reserve(String token) {
        return FORMAT.matcher(token).matches() && store.reserveRegistrationToken(token, clock.getAsLong());
    }

    public void completed(String token) {
        store.completeRegistrationToken(token);
    }
}
