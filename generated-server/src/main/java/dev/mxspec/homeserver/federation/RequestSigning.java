package dev.mxspec.homeserver.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.JsonSigning;
import dev.mxspec.homeserver.crypto.SigningKey;
import java.util.Optional;

/**
 * The JSON a federation request's signature covers ("Request Authentication", step 1): method, URI (path and
 * query as sent, without scheme and host), origin, destination and, when there is a body, its parsed content.
 */
public final class RequestSigning {

    private RequestSigning() {}

    /** The object that is signed; {@code signatures} is added by {@link JsonSigning#sign}. */
    public static ObjectNode requestJson(String method, String uri, String origin, String destination, Optional<JsonNode> content) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("method", method);
        json.put("uri", uri);
        json.put("origin", origin);
        json.put("destination", destination);
        content.ifPresent(c -> json.set("content", c));
        return json;
    }

    /** The {@code Authorization} header for a request of {@code origin}, signed with {@code key}. */
    public static XMatrix sign(String method, String uri, String origin, String destination, Optional<JsonNode> content, SigningKey key) {
        ObjectNode signed = JsonSigning.sign(requestJson(method, uri, origin, destination, content), origin, key);
        String sig = signed.path("signatures").path(origin).path(key.keyId()).asText();
        return new XMatrix(origin, Optional.of(destination), key.keyId(), sig);
    }
}
