package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.SearchStore;
import dev.mxspec.homeserver.storage.SearchStore.Hit;
import dev.mxspec.homeserver.storage.SearchStore.Position;
import dev.mxspec.homeserver.storage.SearchStore.RoomScope;
import dev.mxspec.homeserver.storage.SearchStore.Span;
import dev.mxspec.homeserver.sync.SyncFilter.EventFilter;
import dev.mxspec.runtime.api.MatrixException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Server-side search of room events ({@code POST /search}, category {@code room_events}): the text of messages,
 * room names and topics in every room the user is or was in, each as far as he may read it ({@link RoomReads}: a
 * room he left up to his leave), each event shown only when history visibility lets him see it, at that event. A
 * filter naming rooms names the rooms they replaced in upgrades too (back through each create event's
 * {@code predecessor}), as far as the user is or was in them. The
 * index ({@link SearchStore}) finds candidates in the rooms, keys and senders asked for; events he may not see are
 * skipped and more are read, up to {@value #ROUNDS} reads a batch, so a batch may hold fewer results than its limit
 * and still have a {@code next_batch}. Batches continue after the last result considered (by rank, then recency; or by
 * recency), so pages neither repeat nor skip results while the index is unchanged. The {@code count} is of the events
 * the user may see: the index counts the matches in the stretches of each room's timeline history visibility shows him
 * ({@link EventVisibility#spans}), less those of users he ignores; history taken in through backfill, and a filter on
 * {@code contains_url}, are checked event by event.
 */
public final class Search {

    public static final int DEFAULT_LIMIT = 10;
    public static final int MAX_LIMIT = 100;
    public static final int DEFAULT_CONTEXT = 5;
    public static final int MAX_CONTEXT = 100;
    /** Longer terms are refused: a term is for finding, and its words all go into the query. */
    public static final int MAX_TERM = 1000;
    /** The most senders a filter may name (each one is a parameter of the index's query). */
    public static final int MAX_SENDERS = 1000;
    /** How many times a batch reads the index when the reader may not see what it found. */
    static final int ROUNDS = 5;
    /** The fewest candidates one read of the index asks for. */
    static final int READ = 50;
    /** How many matches one read asks for when each is checked for the count. */
    static final int COUNT_READ = 500;

    /**
     * What to search for, as a client asked.
     *
     * @param keys the keys to search, all of {@link SearchStore#KEYS} when not given
     * @param filter rooms, senders, types, {@code contains_url} and {@code limit} (a RoomEventFilter)
     * @param orderBy {@code rank} or {@code recent}
     * @param groupBy {@code room_id} and/or {@code sender}
     */
    public record Criteria(String term, Optional<List<String>> keys, EventFilter filter, String orderBy, Optional<ContextWanted> context,
            boolean includeState, List<String> groupBy) {}

    /** The events around each result, and the profiles of their senders, when {@code profiles}. */
    public record ContextWanted(long before, long after, boolean profiles) {}

    /** A result, with the view of its room it is read through. */
    public record Found(StoredEvent event, double rank, RoomReads.View view, Optional<Context> context) {}

    /**
     * The events just before a result (newest first) and after it (oldest first), where pages of history around it start
     * and end, and the profiles of their senders (as the room state after the last of them holds them).
     */
    public record Context(List<StoredEvent> before, List<StoredEvent> after, long start, long end, Map<String, Profile> profiles) {}

    public record Profile(Optional<String> displayname, Optional<String> avatarUrl) {}

    /** A group of results: their event IDs, its order among the groups (1: the group of the first result), and its next batch. */
    public record Group(List<String> results, long order, Optional<String> nextBatch) {}

    /**
     * A batch of results.
     *
     * @param count how many events match that the user may see (in all batches)
     * @param highlights the words matched in the results, lower case
     * @param state the state of each room of the results as the reader sees it (current, or when he left), when asked
     * @param groups by group key, then by the group's value
     */
    public record Outcome(List<Found> results, long count, List<String> highlights, Map<String, List<StoredEvent>> state,
            Map<String, Map<String, Group>> groups, Optional<String> nextBatch) {}

    private final SearchStore index;
    private final Memberships memberships;
    private final RoomReads reads;
    private final RoomService rooms;

    public Search(SearchStore index, Memberships memberships, RoomReads reads, RoomService rooms) {
        this.index = index;
        this.memberships = memberships;
        this.reads = reads;
        this.rooms = rooms;
    }

    /** One batch of results for {@code userId}, the first or the one after {@code nextBatch} (a token a batch gave). */
    public Outcome search(String userId, Criteria c, Optional<String> nextBatch) {
        boolean byRank = checked(c);
        Optional<SearchBatch> batch = nextBatch.map(SearchBatch::decode);
        if (batch.isPresent() && batch.get().byRank() != byRank) {
            throw MatrixException.invalidParam("next_batch", "given for order_by " + (byRank ? "recent" : "rank") + ", not " + c.orderBy());
        }
        Optional<String> inRoom = batch.filter(b -> b.groupKey().equals(Optional.of("room_id"))).flatMap(SearchBatch::groupValue);
        Optional<String> bySender = batch.filter(b -> b.groupKey().equals(Optional.of("sender"))).flatMap(SearchBatch::groupValue);

        Map<String, RoomReads.View> views = readableRooms(userId, c.filter(), inRoom);
        List<String> keys = c.keys().orElse(SearchStore.KEYS).stream().distinct()
                .filter(k -> c.filter().keepsType(SearchStore.typeOf(k))).toList();
        Optional<Set<String>> senders = c.filter().senders().map(Set::copyOf);
        if (bySender.isPresent()) {
            senders = Optional.of(senders.map(s -> s.contains(bySender.get()) ? Set.of(bySender.get()) : Set.<String>of())
                    .orElse(Set.of(bySender.get())));
        }
        SearchStore.Query query = new SearchStore.Query(c.term(), views.values().stream().map(v -> new RoomScope(v.roomId(), v.upTo())).toList(),
                new LinkedHashSet<>(keys), senders, Set.copyOf(c.filter().notSenders()), byRank);

        int limit = Math.min(MAX_LIMIT, c.filter().limit().orElse(DEFAULT_LIMIT));
        List<Hit> found = new ArrayList<>();
        Optional<Position> cursor = batch.map(SearchBatch::after);
        boolean more = limit > 0;
        int want = Math.max(READ, 2 * limit);
        for (int round = 0; round < ROUNDS && found.size() < limit; round++) {
            List<Hit> hits = index.search(query, cursor, want);
            int used = 0;
            for (Hit hit : hits) {
                used++;
                cursor = Optional.of(hit.position());
                if (views.get(hit.event().roomId()).visible().test(hit.event()) && keepsUrl(c.filter(), hit.event())) {
                    found.add(hit);
                    if (found.size() == limit) {
                        break;
                    }
                }
            }
            if (hits.size() < want && used == hits.size()) {
                more = false;
                break;
            }
        }
        Optional<Position> next = more ? cursor : Optional.empty();
        List<Found> results = new ArrayList<>();
        Set<String> highlights = new LinkedHashSet<>();
        for (Hit hit : found) {
            RoomReads.View view = views.get(hit.event().roomId());
            results.add(new Found(hit.event(), hit.rank(), view, c.context().map(w -> context(view, hit.event(), w))));
            hit.words().forEach(w -> highlights.add(w.toLowerCase(Locale.ROOT)));
        }
        Map<String, List<StoredEvent>> state = new LinkedHashMap<>();
        if (c.includeState()) {
            for (Found f : results) {
                state.computeIfAbsent(f.event().roomId(), r -> reads.state(f.view()));
            }
        }
        Map<String, Map<String, Group>> groups = new LinkedHashMap<>();
        for (String key : c.groupBy()) {
            groups.put(key, groups(results, key, byRank, next));
        }
        // a batch of a group goes on in that group
        Optional<String> nextBatchOut = next.map(at -> new SearchBatch(byRank, batch.flatMap(SearchBatch::groupKey),
                batch.flatMap(SearchBatch::groupValue), at).encode());
        return new Outcome(results, count(userId, query, views, c.filter()), List.copyOf(highlights), state, groups, nextBatchOut);
    }

    /**
     * How many events match the query that the user may see: counted by the index in the stretches of each room he
     * may see ({@link EventVisibility#spans}) less the messages of users he ignores, and the history taken in through
     * backfill checked event by event; every match checked when the filter asks for {@code contains_url}.
     */
    private long count(String userId, SearchStore.Query query, Map<String, RoomReads.View> views, EventFilter filter) {
        if (filter.containsUrl().isPresent()) {
            return seen(query, Optional.empty(), views, filter);
        }
        Map<String, List<Span>> spans = new HashMap<>();
        views.keySet().forEach(roomId -> spans.put(roomId, reads.visibility().spans(userId, roomId)));
        long count = index.count(query, spans);
        Set<String> hidden = new TreeSet<>(reads.visibility().ignoredUsers(userId));
        query.senders().ifPresent(hidden::retainAll);
        hidden.removeAll(query.notSenders());
        if (!hidden.isEmpty() && query.keys().contains("content.body")) { // state events (names, topics) stay visible
            count -= index.count(new SearchStore.Query(query.term(), query.rooms(), Set.of("content.body"), Optional.of(hidden), Set.of(),
                    false), spans);
        }
        return count + seen(query, Optional.of(new Position(0, 1)), views, filter); // positions below 1: backfilled
    }

    /** How many matches after a position, most recent first, the user may see and the filter keeps: each one read and checked. */
    private long seen(SearchStore.Query query, Optional<Position> after, Map<String, RoomReads.View> views, EventFilter filter) {
        SearchStore.Query recent = new SearchStore.Query(query.term(), query.rooms(), query.keys(), query.senders(), query.notSenders(), false);
        long seen = 0;
        Optional<Position> from = after;
        while (true) {
            List<Hit> hits = index.search(recent, from, COUNT_READ);
            seen += hits.stream().filter(h -> views.get(h.event().roomId()).visible().test(h.event()) && keepsUrl(filter, h.event())).count();
            if (hits.size() < COUNT_READ) {
                return seen;
            }
            from = Optional.of(hits.getLast().position());
        }
    }

    /** The results grouped by room or sender, in the order of their first results, each with the batch that goes on in it. */
    private static Map<String, Group> groups(List<Found> results, String key, boolean byRank, Optional<Position> next) {
        Map<String, List<String>> members = new LinkedHashMap<>();
        for (Found f : results) {
            members.computeIfAbsent(key.equals("room_id") ? f.event().roomId() : f.event().sender(), k -> new ArrayList<>())
                    .add(f.event().eventId());
        }
        Map<String, Group> out = new LinkedHashMap<>();
        long order = 1;
        for (Map.Entry<String, List<String>> group : members.entrySet()) {
            out.put(group.getKey(), new Group(List.copyOf(group.getValue()), order++,
                    next.map(at -> new SearchBatch(byRank, Optional.of(key), Optional.of(group.getKey()), at).encode())));
        }
        return out;
    }

    /** The events around a result the user may see, as {@code /context} gives them, and their senders' profiles when wanted. */
    private Context context(RoomReads.View view, StoredEvent event, ContextWanted wanted) {
        int before = (int) Math.min(MAX_CONTEXT, wanted.before());
        int after = (int) Math.min(MAX_CONTEXT, wanted.after());
        List<StoredEvent> earlier = reads.history(view, Long.MIN_VALUE, event.streamPos() - 1, before, true).events();
        List<StoredEvent> later = reads.history(view, event.streamPos(), Long.MAX_VALUE, after, false).events();
        long start = earlier.isEmpty() ? event.streamPos() - 1 : earlier.getLast().streamPos() - 1;
        long end = later.isEmpty() ? event.streamPos() : later.getLast().streamPos();
        Map<String, Profile> profiles = new LinkedHashMap<>();
        if (wanted.profiles()) {
            Set<String> senders = new TreeSet<>();
            earlier.forEach(e -> senders.add(e.sender()));
            senders.add(event.sender());
            later.forEach(e -> senders.add(e.sender()));
            for (StoredEvent member : reads.stateAt(view, end)) {
                if (member.type().equals("m.room.member") && member.stateKey().filter(senders::contains).isPresent()) {
                    JsonNode content = ClientEvents.parse(member.json()).path("content");
                    profiles.put(member.stateKey().get(), new Profile(text(content, "displayname"), text(content, "avatar_url")));
                }
            }
        }
        return new Context(earlier, later, start, end, profiles);
    }

    private static Optional<String> text(JsonNode content, String field) {
        return content.path(field).isTextual() ? Optional.of(content.path(field).asText()) : Optional.empty();
    }

    /** Whether the criteria order by rank; {@code M_INVALID_PARAM} for values the spec does not allow or this server will not take. */
    private static boolean checked(Criteria c) {
        boolean byRank = switch (c.orderBy()) {
            case "rank" -> true;
            case "recent" -> false;
            default -> throw MatrixException.invalidParam("order_by", "must be \"rank\" or \"recent\", not \"" + c.orderBy() + "\"");
        };
        if (c.term().length() > MAX_TERM) {
            throw MatrixException.invalidParam("search_term", "longer than " + MAX_TERM + " characters");
        }
        for (String key : c.keys().orElse(List.of())) {
            if (!SearchStore.KEYS.contains(key)) {
                throw MatrixException.invalidParam("keys", "\"" + key + "\" is not one of " + String.join(", ", SearchStore.KEYS));
            }
        }
        for (String group : c.groupBy()) {
            if (!group.equals("room_id") && !group.equals("sender")) {
                throw MatrixException.invalidParam("groupings", "group_by keys are \"room_id\" and \"sender\", not \"" + group + "\"");
            }
        }
        if (c.filter().senders().map(List::size).orElse(0) > MAX_SENDERS || c.filter().notSenders().size() > MAX_SENDERS) {
            throw MatrixException.invalidParam("filter", "senders and not_senders may name at most " + MAX_SENDERS + " users");
        }
        if (c.filter().limit().filter(l -> l < 0).isPresent()) {
            throw MatrixException.invalidParam("filter.limit", "must not be negative");
        }
        if (c.context().filter(x -> x.before() < 0 || x.after() < 0).isPresent()) {
            throw MatrixException.invalidParam("event_context", "before_limit and after_limit must not be negative");
        }
        return byRank;
    }

    /**
     * The rooms the user may read (each as far as he may), by room ID: those he is or was in, as the filter (the rooms it
     * names and those they replaced) and the batch narrow them.
     */
    private Map<String, RoomReads.View> readableRooms(String userId, EventFilter filter, Optional<String> inRoom) {
        Optional<Set<String>> named = filter.rooms().map(this::withPredecessors);
        Map<String, RoomReads.View> views = new LinkedHashMap<>();
        for (Membership m : memberships.ofUser(userId)) {
            if (named.filter(n -> !n.contains(m.roomId())).isPresent() || filter.notRooms().contains(m.roomId())
                    || inRoom.filter(r -> !r.equals(m.roomId())).isPresent()) {
                continue;
            }
            try {
                views.put(m.roomId(), reads.view(userId, m.roomId()));
            } catch (MatrixException notReadable) {
                // invited, knocking, or never joined: nothing of the room to search
            }
        }
        return views;
    }

    /** The rooms named and those each replaced, back to one that replaced none (or one met already: a chain that loops). */
    private Set<String> withPredecessors(List<String> named) {
        Set<String> out = new LinkedHashSet<>();
        for (String roomId : named) {
            Optional<String> at = Optional.of(roomId);
            while (at.isPresent() && out.add(at.get())) {
                at = rooms.predecessor(at.get());
            }
        }
        return out;
    }

    private static boolean keepsUrl(EventFilter filter, StoredEvent e) {
        return filter.containsUrl().map(wanted -> ClientEvents.parse(e.json()).path("content").path("url").isTextual() == wanted)
                .orElse(true);
    }
}
