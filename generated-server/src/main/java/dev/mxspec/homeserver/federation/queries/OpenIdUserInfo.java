package dev.mxspec.homeserver.federation.queries;

import dev.mxspec.homeserver.services.OpenIdTokens;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.serverserver.ExchangeOpenIdTokenResponse;
import dev.mxspec.spec.v1_7.serverserver.endpoints.ExchangeOpenIdToken;
import dev.mxspec.spec.v1_7.serverserver.server.OpenidHandler;
import java.util.Map;

/**
 * {@code GET /_matrix/federation/v1/openid/userinfo}: whose an OpenID token is, asked by a third party (not signed
 * with X-Matrix: the token is the credential).
 */
public final class OpenIdUserInfo implements OpenidHandler {

    private final OpenIdTokens tokens;

    public OpenIdUserInfo(OpenIdTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public ExchangeOpenIdTokenResponse exchangeOpenIdToken(RequestContext context, ExchangeOpenIdToken.Request request) {
        return new ExchangeOpenIdTokenResponse(tokens.user(request.accessToken()), Map.of());
    }
}
