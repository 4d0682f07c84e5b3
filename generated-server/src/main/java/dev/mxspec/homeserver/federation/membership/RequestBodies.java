package dev.mxspec.homeserver.federation.membership;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.federation.Origin;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import java.io.IOException;

/** What the membership handlers read of a request: the authenticated origin, and the body as sent. */
final class RequestBodies {

    private RequestBodies() {}

    static String origin(RequestContext context) {
        return context.principal(Origin.class).serverName();
    }

    /**
     * The body as the other server sent it, byte for byte as parsed JSON: an event's signature covers every key, which
     * the generated records (that keep only what they know) would not all give back.
     */
    static ObjectNode object(RequestContext context, String what) {
        try {
            JsonNode body = MatrixJson.mapper().readTree(context.request().body());
            if (body instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException e) {
            // answered below
        }
        throw new MatrixException(400, ErrorCodes.M_BAD_JSON, "the body must be " + what + ", a JSON object");
    }
}
