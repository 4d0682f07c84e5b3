package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.sync.SyncFilter;
import dev.mxspec.homeserver.sync.SyncService;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.SyncResponse;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Sync;
import dev.mxspec.spec.v1_7.clientserver.server.SyncHandler;
import java.util.Optional;

/** {@code GET /sync} on {@link SyncService}. */
public final class SyncHandlers implements SyncHandler {

    private final SyncService sync;
    private final FilterStore filters;
    private final java.util.concurrent.ConcurrentHashMap<String, SyncFilter> stored = new java.util.concurrent.ConcurrentHashMap<>();

    public SyncHandlers(SyncService sync, FilterStore filters) {
        this.sync = sync;
        this.filters = filters;
    }

    @Override
    public SyncResponse sync(RequestContext context, Sync.Request request) {
        Caller caller = context.principal(Caller.class);
        SyncFilter filter = request.filter().map(f -> filter(caller.userId(), f)).orElseGet(SyncFilter::none);
        sync.presenceOnSync(caller.userId(), request.setPresence().map(p -> p.value()).orElse("online"));
        SyncService.Request r = new SyncService.Request(request.since().map(Tokens::position), request.timeout().orElse(0L),
                request.fullState().orElse(false), filter);
        return Handlers.typed(sync.sync(caller, r), SyncResponse.class);
    }

    /**
     * An inline filter, or a stored one: those never change, so each is read and parsed once. A
     * filter that is not JSON, does not fit the spec's types or is not known is refused with
     * {@code M_INVALID_PARAM} (the {@code filter} parameter is wrong).
     */
    private SyncFilter filter(String userId, String idOrJson) {
        if (idOrJson.startsWith("{")) {
            return parsed(filters.resolve(userId, idOrJson));
        }
        if (stored.size() > 10_000) {
            stored.clear();
        }
        return stored.computeIfAbsent(userId + " " + idOrJson, k -> parsed(filters.resolve(userId, idOrJson)));
    }

    private static SyncFilter parsed(JsonNode json) {
        try {
            return SyncFilter.of(json);
        } catch (SyncFilter.InvalidFilter e) {
            throw MatrixException.invalidParam("filter", e.getMessage());
        }
    }

    /** Stored and inline filters. */
    public interface FilterStore {
        /** The filter JSON for an ID or an inline JSON filter. */
        JsonNode resolve(String userId, String idOrJson);
    }

    static Optional<JsonNode> inline(String text) {
        if (!text.startsWith("{")) {
            return Optional.empty();
        }
        try {
            return Optional.of(MatrixJson.mapper().readTree(text));
        } catch (JsonProcessingException e) {
            throw MatrixException.invalidParam("filter", "not a JSON filter");
        }
    }
}
