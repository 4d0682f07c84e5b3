package dev.mxspec.homeserver.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;

/** Stored JSON text back to a tree. */
final class ClientEventsJson {

    private ClientEventsJson() {}

    static JsonNode parse(String json) {
        try {
            return MatrixJson.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored JSON is not JSON", e);
        }
    }
}
