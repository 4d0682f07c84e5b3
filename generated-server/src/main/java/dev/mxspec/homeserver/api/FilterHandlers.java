package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.core.Ids;
import dev.mxspec.homeserver.storage.Storage;
import dev.mxspec.homeserver.sync.SyncFilter;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.DefineFilterRequest;
import dev.mxspec.spec.v1_7.clientserver.DefineFilterResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.DefineFilter;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetFilter;
import dev.mxspec.spec.v1_7.clientserver.server.FilterHandler;
import java.util.Map;

/** Stored filters, and filters given inline to {@code /sync}. */
public final class FilterHandlers implements FilterHandler, SyncHandlers.FilterStore {

    private final Storage storage;

    public FilterHandlers(Storage storage) {
        this.storage = storage;
    }

    private static void own(RequestContext context, String userId) {
        if (!context.principal(Caller.class).userId().equals(userId)) {
            throw MatrixException.forbidden("filters belong to their user");
        }
    }

    @Override
    public DefineFilterResponse defineFilter(RequestContext context, DefineFilter.Request request) {
        own(context, request.userId());
        try { // the raw body: the typed one has coerced "true" and 1 to booleans already
            SyncFilter.check(MatrixJson.mapper().readTree(context.request().body()));
        } catch (SyncFilter.InvalidFilter e) {
            throw MatrixException.badJson("invalid filter: " + e.getMessage());
        } catch (java.io.IOException e) {
            throw MatrixException.notJson("request body is not JSON");
        }
        String id = Ids.random(12);
        storage.saveFilter(request.userId(), id, MatrixJson.write(request.body()));
        return new DefineFilterResponse(id, Map.of());
    }

    @Override
    public DefineFilterRequest getFilter(RequestContext context, GetFilter.Request request) {
        own(context, request.userId());
        String json = storage.filter(request.userId(), request.filterId())
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such filter"));
        try {
            return MatrixJson.read(json, DefineFilterRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public JsonNode resolve(String userId, String idOrJson) {
        return SyncHandlers.inline(idOrJson).orElseGet(() -> storage.filter(userId, idOrJson).map(json -> {
            try {
                return MatrixJson.mapper().readTree(json);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }).orElseThrow(() -> new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "unknown filter " + idOrJson)));
    }
}
