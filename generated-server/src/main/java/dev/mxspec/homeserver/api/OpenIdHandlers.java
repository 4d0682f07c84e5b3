package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;

import dev.mxspec.homeserver.services.OpenIdTokens;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.OpenIdCredentials;
import dev.mxspec.spec.v1_7.clientserver.endpoints.RequestOpenIdToken;
import dev.mxspec.spec.v1_7.clientserver.server.OpenidHandler;
import java.util.Map;

/** {@code POST /user/{userId}/openid/request_token}: a token proving to a third party who the caller is. */
public final class OpenIdHandlers implements OpenidHandler {

    private final OpenIdTokens tokens;
    private final String serverName;

    public OpenIdHandlers(OpenIdTokens tokens, String serverName) {
        this.tokens = tokens;
        this.serverName = serverName;
    }

    @Override
    public OpenIdCredentials requestOpenIdToken(RequestContext context, RequestOpenIdToken.Request request) {
        String userId = caller(context).userId();
        if (!request.userId().equals(userId)) {
            throw MatrixException.forbidden("a user may ask for OpenID tokens of his own only");
        }
        if (request.body() == null || !request.body().isObject()) {
            throw MatrixException.notJson("the body must be a JSON object");
        }
        OpenIdTokens.Issued issued = tokens.issue(userId);
        return new OpenIdCredentials(issued.token(), "Bearer", serverName, issued.expiresInSeconds(), Map.of());
    }
}
