package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.endpoints.RedirectToIdP;
import dev.mxspec.spec.v1_7.clientserver.endpoints.RedirectToSSO;
import dev.mxspec.spec.v1_7.clientserver.server.SsoLoginRedirectHandler;

/**
 * The SSO redirects of a server without single sign-on: {@code GET /login} lists no {@code m.login.sso} flow, so there
 * is no identity provider to send a browser to. Both redirects answer 404 {@code M_NOT_FOUND}, which the spec gives for
 * an identity provider the server does not know, as JSON (nothing a browser would run), never a redirect to the
 * {@code redirectUrl} a third party may have put in the link.
 */
public final class SsoHandlers implements SsoLoginRedirectHandler {

    @Override
    public JsonNode redirectToSSO(RequestContext context, RedirectToSSO.Request request) {
        throw new MatrixException(404, "M_NOT_FOUND", "this server offers no single sign-on: log in with a password (GET /login lists the ways)");
    }

    @Override
    public JsonNode redirectToIdP(RequestContext context, RedirectToIdP.Request request) {
        throw new MatrixException(404, "M_NOT_FOUND", "this server knows no identity provider '" + request.idpId()
                + "': it offers no single sign-on");
    }
}
