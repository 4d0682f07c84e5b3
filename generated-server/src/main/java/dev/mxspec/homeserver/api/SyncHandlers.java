package dev.mxspec.homeserver.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.Caller;
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

    public SyncHandlers(SyncService sync, FilterStore filters) {
        this.sync = sync;
        this.filters = filters;
    }

    @Override
    public SyncResponse sync(RequestContext context, Sync.Request request) {
        Caller caller = context.principal(Caller.class);
        JsonNode filter = request.filter().map(f -> filters.resolve(caller.userId(), f)).orElse(MatrixJson.mapper().createObjectNode());
        JsonNode timeline = filter.path("room").path("timeline");
        int limit = timeline.path("limit").canConvertToInt() ? timeline.path("limit").asInt() : 20;
        SyncService.Request r = new SyncService.Request(request.since().map(Tokens::position), request.timeout().orElse(0L),
                request.fullState().orElse(false), Math.max(1, Math.min(limit, 500)),
                filter.path("room").path("state").path("lazy_load_members").asBoolean(false), strings(timeline.path("types")),
                strings(timeline.path("not_types")), optionalStrings(filter.path("room").path("rooms")),
                strings(filter.path("room").path("not_rooms")), optionalStrings(timeline.path("senders")), strings(timeline.path("not_senders")),
                filter.path("room").path("include_leave").asBoolean(false));
        try {
            return MatrixJson.convert(sync.sync(caller, r), SyncResponse.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("sync response does not fit its schema: " + e.getOriginalMessage(), e);
        }
    }

    /** A list the filter gives, or empty when the filter leaves it out (which means "no restriction"). */
    private static java.util.Optional<java.util.List<String>> optionalStrings(JsonNode array) {
        return array.isArray() ? java.util.Optional.of(strings(array)) : java.util.Optional.empty();
    }

    private static java.util.List<String> strings(JsonNode array) {
        java.util.List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
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
