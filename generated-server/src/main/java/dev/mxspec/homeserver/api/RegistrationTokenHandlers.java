package dev.mxspec.homeserver.api;

import dev.mxspec.homeserver.services.RateLimiter;
import dev.mxspec.homeserver.services.RegistrationTokens;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.RegistrationTokenValidityResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.RegistrationTokenValidity;
import dev.mxspec.spec.v1_7.clientserver.server.RegistrationTokensHandler;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /register/m.login.registration_token/validity}: whether a token may be used now; rate-limited with
 * registrations per client address (the spec asks for it: tokens could otherwise be guessed), 403 when registration is
 * closed.
 */
public final class RegistrationTokenHandlers implements RegistrationTokensHandler {

    private final boolean registration;
    private final Optional<RegistrationTokens> tokens;
    private final RateLimiter limiter;

    /** @param tokens the tokens, when registration requires one; without, no token is valid */
    public RegistrationTokenHandlers(boolean registration, Optional<RegistrationTokens> tokens, RateLimiter limiter) {
        this.registration = registration;
        this.tokens = tokens;
        this.limiter = limiter;
    }

    @Override
    public RegistrationTokenValidityResponse registrationTokenValidity(RequestContext context, RegistrationTokenValidity.Request request) {
        if (!registration) {
            throw MatrixException.forbidden("Registration is not enabled on this homeserver.");
        }
        limiter.take("register:" + context.request().remoteAddress());
        return new RegistrationTokenValidityResponse(tokens.map(t -> t.valid(request.token())).orElse(false), Map.of());
    }
}
