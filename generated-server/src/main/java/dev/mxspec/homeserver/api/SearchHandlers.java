package dev.mxspec.homeserver.api;

import static dev.mxspec.homeserver.api.Handlers.caller;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.RoomReads;
import dev.mxspec.homeserver.services.Search;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.sync.SyncFilter.EventFilter;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.spec.v1_7.clientserver.Group;
import dev.mxspec.spec.v1_7.clientserver.GroupKey;
import dev.mxspec.spec.v1_7.clientserver.Groupings;
import dev.mxspec.spec.v1_7.clientserver.Ordering;
import dev.mxspec.spec.v1_7.clientserver.Results;
import dev.mxspec.spec.v1_7.clientserver.RoomEventsCriteria;
import dev.mxspec.spec.v1_7.clientserver.RoomEventsCriteriaFilter;
import dev.mxspec.spec.v1_7.clientserver.RoomEventsCriteriaKeys;
import dev.mxspec.spec.v1_7.clientserver.server.SearchHandler;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * {@code POST /search}: the {@code room_events} category ({@link Search}), its results in the client event format with
 * bundled aggregations, context tokens as {@code /context} gives them. A request without {@code room_events} asks
 * for nothing and gets no category back.
 */
public final class SearchHandlers implements SearchHandler {

    private final Search search;
    private final RoomReads reads;
    private final LongSupplier clock;

    public SearchHandlers(Search search, RoomReads reads, LongSupplier clock) {
        this.search = search;
        this.reads = reads;
        this.clock = clock;
    }

    @Override
    public Results search(RequestContext context, dev.mxspec.spec.v1_7.clientserver.endpoints.Search.Request request) {
        Caller caller = caller(context);
        ObjectNode categories = MatrixJson.mapper().createObjectNode();
        Optional<RoomEventsCriteria> roomEvents = request.body().searchCategories().roomEvents();
        if (roomEvents.isPresent()) {
            Search.Outcome outcome = search.search(caller.userId(), criteria(roomEvents.get()), request.nextBatch());
            categories.set("room_events", roomEvents(outcome, caller, roomEvents.get().eventContext().isPresent()));
        }
        ObjectNode json = MatrixJson.mapper().createObjectNode();
        json.set("search_categories", categories);
        return Handlers.typed(json, Results.class);
    }

    private static Search.Criteria criteria(RoomEventsCriteria c) {
        List<String> groupBy = new ArrayList<>();
        for (Group g : c.groupings().flatMap(Groupings::groupBy).orElse(List.of())) {
            groupBy.add(g.key().map(GroupKey::value)
                    .orElseThrow(() -> MatrixException.invalidParam("groupings", "each group_by entry needs a key")));
        }
        Optional<Search.ContextWanted> around = c.eventContext().map(x -> new Search.ContextWanted(
                x.beforeLimit().orElse((long) Search.DEFAULT_CONTEXT), x.afterLimit().orElse((long) Search.DEFAULT_CONTEXT),
                x.includeProfile().orElse(false)));
        return new Search.Criteria(c.searchTerm(), c.keys().map(keys -> keys.stream().map(RoomEventsCriteriaKeys::value).toList()),
                filter(c.filter()), c.orderBy().map(Ordering::value).orElse("rank"), around, c.includeState().orElse(false),
                groupBy.stream().distinct().toList());
    }

    private static EventFilter filter(Optional<RoomEventsCriteriaFilter> given) {
        if (given.isEmpty()) {
            return new EventFilter(Optional.empty(), Optional.empty(), List.of(), Optional.empty(), List.of(), Optional.empty(), List.of(),
                    Optional.empty(), false, false, false);
        }
        RoomEventsCriteriaFilter f = given.get();
        return new EventFilter(f.limit().map(l -> (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, l))), f.types(),
                f.notTypes().orElse(List.of()), f.senders(), f.notSenders().orElse(List.of()), f.rooms(), f.notRooms().orElse(List.of()),
                f.containsUrl(), false, false, false);
    }

    private ObjectNode roomEvents(Search.Outcome outcome, Caller caller, boolean withContext) {
        long now = clock.getAsLong();
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        out.put("count", outcome.count());
        ArrayNode highlights = out.putArray("highlights");
        outcome.highlights().forEach(highlights::add);
        ArrayNode results = out.putArray("results");
        for (Search.Found f : outcome.results()) {
            ObjectNode result = results.addObject();
            result.put("rank", BigDecimal.valueOf(f.rank()));
            result.set("result", events(f.view(), caller, List.of(f.event()), now).get(0));
            if (withContext && f.context().isPresent()) {
                Search.Context around = f.context().get();
                ObjectNode context = result.putObject("context");
                context.put("start", Tokens.token(around.start()));
                context.put("end", Tokens.token(around.end()));
                context.set("events_before", events(f.view(), caller, around.before(), now));
                context.set("events_after", events(f.view(), caller, around.after(), now));
                if (!around.profiles().isEmpty()) {
                    ObjectNode profiles = context.putObject("profile_info");
                    around.profiles().forEach((user, p) -> {
                        ObjectNode profile = profiles.putObject(user);
                        p.displayname().ifPresent(d -> profile.put("displayname", d));
                        p.avatarUrl().ifPresent(a -> profile.put("avatar_url", a));
                    });
                }
            }
        }
        if (!outcome.state().isEmpty()) {
            ObjectNode state = out.putObject("state");
            outcome.state().forEach((roomId, events) -> {
                ArrayNode list = state.putArray(roomId);
                for (StoredEvent e : events) {
                    list.add(ClientEvents.of(e, caller.userId(), caller.deviceId(), now, true));
                }
            });
        }
        if (!outcome.groups().isEmpty()) {
            ObjectNode groups = out.putObject("groups");
            for (Map.Entry<String, Map<String, Search.Group>> byKey : outcome.groups().entrySet()) {
                ObjectNode values = groups.putObject(byKey.getKey());
                byKey.getValue().forEach((value, g) -> {
                    ObjectNode group = values.putObject(value);
                    group.put("order", g.order());
                    ArrayNode ids = group.putArray("results");
                    g.results().forEach(ids::add);
                    g.nextBatch().ifPresent(n -> group.put("next_batch", n));
                });
            }
        }
        outcome.nextBatch().ifPresent(n -> out.put("next_batch", n));
        return out;
    }

    /** Events as the reader gets them: the client format with the aggregations bundled that he may see. */
    private ArrayNode events(RoomReads.View view, Caller caller, List<StoredEvent> events, long now) {
        ArrayNode out = MatrixJson.mapper().createArrayNode();
        reads.clientEvents(view, caller.deviceId(), events, now).forEach(e -> out.add(MatrixJson.tree(e)));
        return out;
    }
}
