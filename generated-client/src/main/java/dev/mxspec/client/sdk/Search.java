package dev.mxspec.client.sdk;

import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.clientserver.Categories;
import dev.mxspec.spec.v1_7.clientserver.ClientEvent;
import dev.mxspec.spec.v1_7.clientserver.Ordering;
import dev.mxspec.spec.v1_7.clientserver.ResultRoomEvents;
import dev.mxspec.spec.v1_7.clientserver.RoomEventsCriteria;
import dev.mxspec.spec.v1_7.clientserver.RoomEventsCriteriaFilter;
import dev.mxspec.spec.v1_7.clientserver.SearchRequest;
import dev.mxspec.spec.v1_7.clientserver.client.ClientServerClient;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Server-side search of room events ({@code POST /search}): messages, room names and topics in the rooms the user is
 * or was in, most relevant or most recent first, page by page.
 */
public final class Search {

    /** A message found, and how well it matches (higher is closer). */
    public record Hit(ClientEvent event, double rank) {}

    /**
     * One batch of results.
     *
     * @param count about how many events match in all
     * @param highlights the words to highlight in them
     * @param next the batch that goes on, when there may be more
     */
    public record Page(List<Hit> hits, long count, List<String> highlights, Optional<String> next) {}

    private final ClientServerClient api;

    Search(ClientServerClient api) {
        this.api = api;
    }

    /**
     * One batch of events matching {@code term}, in one room or in all, most recent first or most relevant first.
     *
     * @param from a batch's {@link Page#next}, to go on after it
     */
    public Page page(String term, Optional<String> roomId, boolean recent, int limit, Optional<String> from) {
        RoomEventsCriteriaFilter filter = new RoomEventsCriteriaFilter(Optional.of((long) limit), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                roomId.map(List::of), Optional.empty(), Map.of());
        RoomEventsCriteria criteria = new RoomEventsCriteria(term, Optional.empty(), Optional.of(filter),
                Optional.of(recent ? Ordering.RECENT : Ordering.RANK), Optional.empty(), Optional.empty(), Optional.empty(), Map.of());
        var results = api.search(new dev.mxspec.spec.v1_7.clientserver.endpoints.Search.Request(from,
                new SearchRequest(new Categories(Optional.of(criteria), Map.of()), Map.of())));
        Optional<ResultRoomEvents> found = results.searchCategories().roomEvents();
        List<Hit> hits = new ArrayList<>();
        for (var r : found.flatMap(ResultRoomEvents::results).orElse(List.of())) {
            r.result().ifPresent(e -> hits.add(new Hit(MatrixJson.mapper().convertValue(MatrixJson.tree(e), ClientEvent.class),
                    r.rank().map(BigDecimal::doubleValue).orElse(0.0))));
        }
        return new Page(hits, found.flatMap(ResultRoomEvents::count).orElse((long) hits.size()),
                found.flatMap(ResultRoomEvents::highlights).orElse(List.of()), found.flatMap(ResultRoomEvents::nextBatch));
    }

    /** Up to {@code max} events matching {@code term}, batch after batch. */
    public List<Hit> find(String term, Optional<String> roomId, boolean recent, int max) {
        List<Hit> out = new ArrayList<>();
        Optional<String> from = Optional.empty();
        do {
            Page page = page(term, roomId, recent, Math.min(50, max - out.size()), from);
            out.addAll(page.hits().subList(0, Math.min(page.hits().size(), max - out.size())));
            from = page.next();
        } while (from.isPresent() && out.size() < max);
        return out;
    }
}
