package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.core.JsonProcessingException;
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

    /** A response built as JSON, read into its generated type (a mismatch is the server's bug, not the client's). */
    static <T> T typed(JsonNode json, Class<T> type) {
        try {
            return MatrixJson.convert(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(type.getSimpleName() + " does not fit its schema: " + e.getOriginalMessage(), e);
        }
    }

    static JsonNode empty() {
        return MatrixJson.mapper().createObjectNode();
    }
}
