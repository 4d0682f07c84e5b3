package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;

/** What every handler needs: the authenticated caller and the empty JSON object most writes answer. */
final class Handlers {

    private Handlers() {}

    static Caller caller(RequestContext context) {
        return context.principal(Caller.class);
    }

    static JsonNode empty() {
        return MatrixJson.mapper().createObjectNode();
    }
}
