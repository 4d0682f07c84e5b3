package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.Changes;
import dev.mxspec.homeserver.core.StreamCache;
import dev.mxspec.homeserver.core.StreamCounter;
import dev.mxspec.homeserver.rooms.StateKey;
import dev.mxspec.homeserver.storage.Records.AccountData;
import dev.mxspec.homeserver.storage.Records.GraphRow;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.SearchStore;
import dev.mxspec.homeserver.storage.Storage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Which events of a room a user may see: the rules of "Room History Visibility" applied with the
 * visibility and the user's membership as they were at each event, and the user's
 * {@code m.ignored_user_list} (events of ignored users are hidden, state events excepted). Every
 * place that serves events to a client filters them here: sync timelines, {@code /messages},
 * {@code /context}, {@code /event}.
 *
 * <p>A room's visibility changes and memberships over time are read once and kept until a
 * membership or visibility event names the room ({@link Changes#visibility}).
 */
public final class EventVisibility {

    /** The default when a room has no (understood) {@code m.room.history_visibility}. */
    static final String DEFAULT = "shared";

    private static final Set<String> KNOWN = Set.of("world_readable", "shared", "invited", "joined");

    /** A value that took effect at a stream position (the position of the event that set it). */
    private record Change(long position, String value) {}

    /** A room's history visibility and each user's membership over time, in stream order. */
    private record Timeline(List<Change> visibility, Map<String, List<Change>> memberships) {

        /** The value in force just before {@code position} (what the event at {@code position} was sent under). */
        static Optional<String> before(List<Change> changes, long position) {
            String value = null;
            for (Change c : changes) {
                if (c.position() >= position) {
                    break;
                }
                value = c.value();
            }
            return Optional.ofNullable(value);
        }

        /** The value set by the change at {@code position}, if there is one. */
        static Optional<String> at(List<Change> changes, long position) {
            return changes.stream().filter(c -> c.position() == position).map(Change::value).findFirst();
        }
    }

    private final Storage storage;
    private final StreamCache<Timeline> timelines;
    private final StreamCache<Set<String>> ignored;

    public EventVisibility(Storage storage, StreamCounter stream) {
        this.storage = storage;
        this.timelines = new StreamCache<>(stream);
        this.ignored = new StreamCache<>(stream);
    }

    /** A test of which events of {@code roomId} {@code userId} may see. */
    public Predicate<StoredEvent> viewer(String userId, String roomId) {
        Timeline timeline = timeline(roomId);
        Set<String> ignoring = ignoredUsers(userId);
        List<Change> mine = timeline.memberships().getOrDefault(userId, List.of());
        Map<Long, List<String>> atGroups = new HashMap<>();
        return event -> (event.stateKey().isPresent() || !ignoring.contains(event.sender()))
                && (event.streamPos() > 0 ? allowed(timeline, mine, userId, event) : allowedBackfilled(mine, userId, event, atGroups));
    }

    /** Reads the state groups of backfilled events (set once the room graph exists). */
    public void readStates(java.util.function.LongFunction<Map<StateKey, String>> states) {
        this.states = Optional.of(states);
    }

    private volatile Optional<java.util.function.LongFunction<Map<StateKey, String>>> states = Optional.empty();

    /**
     * The rules for an event of the room's past taken in through backfill (a negative position, below every change the
     * timeline holds): the visibility and the user's membership in the state before it (and after it, for a change of
     * either), as the room graph keeps them; a user who joined later sees {@code shared} history.
     */
    private boolean allowedBackfilled(List<Change> mine, String userId, StoredEvent event, Map<Long, List<String>> atGroups) {
        Optional<GraphRow> row = storage.graphRow(event.eventId()).filter(r -> r.status().isEmpty());
        Optional<Long> beforeGroup = row.flatMap(r -> r.stateBefore().or(r::stateAfter)); // the create event has no state before it
        if (beforeGroup.isEmpty() || states.isEmpty()) {
            return false;
        }
        List<String> before = valuesAt(beforeGroup.get(), userId, atGroups);
        List<Change> laterJoin = mine.stream().anyMatch(c -> c.value().equals("join")) ? List.of(new Change(Long.MAX_VALUE, "join"))
                : List.of();
        if (allowedUnder(before.get(0), before.get(1), laterJoin, event.streamPos())) {
            return true;
        }
        boolean ownChange = event.type().equals("m.room.member") && event.stateKey().orElse("").equals(userId)
                || event.type().equals("m.room.history_visibility") && event.stateKey().orElse("").isEmpty();
        if (ownChange && row.get().stateAfter().isPresent()) {
            List<String> after = valuesAt(row.get().stateAfter().get(), userId, atGroups);
            return allowedUnder(after.get(0), before.get(1), laterJoin, event.streamPos())
                    || allowedUnder(before.get(0), after.get(1), laterJoin, event.streamPos());
        }
        return false;
    }

    /** The history visibility and the user's membership in a state group. */
    private List<String> valuesAt(long group, String userId, Map<Long, List<String>> atGroups) {
        return atGroups.computeIfAbsent(group, g -> {
            Map<StateKey, String> state = states.get().apply(g);
            String visibility = content(state.get(new StateKey("m.room.history_visibility", ""))).path("history_visibility").asText();
            String membership = content(state.get(new StateKey("m.room.member", userId))).path("membership").asText("leave");
            return List.of(KNOWN.contains(visibility) ? visibility : DEFAULT, membership);
        });
    }

    private JsonNode content(String eventId) {
        return eventId == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
                : storage.event(eventId).map(e -> ClientEvents.parse(e.json()).path("content"))
                        .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    }

    /** Whether anyone may read the room now, without joining ({@code world_readable}). */
    public boolean worldReadable(String roomId) {
        List<Change> visibility = timeline(roomId).visibility();
        return !visibility.isEmpty() && visibility.getLast().value().equals("world_readable");
    }

    /** Whether {@code userId} was joined to the room at some point up to {@code position}. */
    public boolean joinedBefore(String userId, String roomId, long position) {
        return timeline(roomId).memberships().getOrDefault(userId, List.of()).stream()
                .anyMatch(c -> c.position() <= position && c.value().equals("join"));
    }

    /** The users {@code userId} ignores ({@code m.ignored_user_list}). */
    public Set<String> ignoredUsers(String userId) {
        return ignored.get(Changes.accountData(userId), () -> {
            Optional<AccountData> data = storage.accountData(userId, "", "m.ignored_user_list");
            Set<String> users = new TreeSet<>();
            data.map(d -> ClientEvents.parse(d.content()).path("ignored_users")).filter(JsonNode::isObject)
                    .ifPresent(list -> list.fieldNames().forEachRemaining(users::add));
            return Set.copyOf(users);
        });
    }

    /**
     * The stream positions of the timeline (positive ones: not history taken in through backfill) at which
     * {@code userId} may see an event of {@code roomId} that changes neither the history visibility nor his own
     * membership, his ignore list aside: what {@link #viewer} decides for such an event, as spans. The rules give one
     * answer between two positions where either changes, so each stretch between them is decided once; a change's own
     * position (an event that is not of that kind) joins two visible stretches around it.
     */
    public List<SearchStore.Span> spans(String userId, String roomId) {
        Timeline timeline = timeline(roomId);
        List<Change> mine = timeline.memberships().getOrDefault(userId, List.of());
        TreeSet<Long> changes = new TreeSet<>();
        timeline.visibility().forEach(c -> changes.add(c.position()));
        mine.forEach(c -> changes.add(c.position()));
        changes.add(Long.MAX_VALUE);
        List<SearchStore.Span> spans = new ArrayList<>();
        long from = 1;
        for (long change : changes.tailSet(1L)) {
            long to = change == Long.MAX_VALUE ? change : change - 1;
            if (from <= to && allowedAt(timeline, mine, from)) {
                boolean joins = !spans.isEmpty() && spans.getLast().to() == from - 2;
                spans.add(new SearchStore.Span(joins ? spans.removeLast().from() : from, to));
            }
            from = change + 1;
        }
        return spans;
    }

    /** Whether an event at {@code position} that changes neither the visibility nor the user's membership is visible to him. */
    private static boolean allowedAt(Timeline timeline, List<Change> mine, long position) {
        return allowedUnder(Timeline.before(timeline.visibility(), position).orElse(DEFAULT), Timeline.before(mine, position).orElse("leave"),
                mine, position);
    }

    private static boolean allowed(Timeline timeline, List<Change> mine, String userId, StoredEvent event) {
        long position = event.streamPos();
        String visibility = Timeline.before(timeline.visibility(), position).orElse(DEFAULT);
        String membership = Timeline.before(mine, position).orElse("leave");
        if (allowedAt(timeline, mine, position)) {
            return true;
        }
        // a visibility change is visible when the visibility before or after it allows it; likewise one's own membership changes
        if (event.type().equals("m.room.history_visibility") && event.stateKey().orElse("").isEmpty()) {
            String after = Timeline.at(timeline.visibility(), position).orElse(visibility);
            return allowedUnder(after, membership, mine, position);
        }
        if (event.type().equals("m.room.member") && event.stateKey().orElse("").equals(userId)) {
            String after = Timeline.at(mine, position).orElse(membership);
            return allowedUnder(visibility, after, mine, position);
        }
        return false;
    }

    private static boolean allowedUnder(String visibility, String membership, List<Change> mine, long position) {
        return switch (visibility) {
            case "world_readable" -> true;
            case "invited" -> membership.equals("join") || membership.equals("invite");
            case "joined" -> membership.equals("join");
            // shared: members, and anyone who joined at any point after the event was sent
            default -> membership.equals("join") || mine.stream().anyMatch(c -> c.position() > position && c.value().equals("join"));
        };
    }

    private Timeline timeline(String roomId) {
        return timelines.get(Changes.visibility(roomId), () -> {
            List<Change> visibility = new ArrayList<>();
            Map<String, List<Change>> memberships = new HashMap<>();
            for (StoredEvent e : storage.stateEventsOfTypes(roomId, List.of("m.room.history_visibility", "m.room.member"))) {
                JsonNode content = ClientEvents.parse(e.json()).path("content");
                if (e.type().equals("m.room.member")) {
                    memberships.computeIfAbsent(e.stateKey().orElse(""), u -> new ArrayList<>())
                            .add(new Change(e.streamPos(), content.path("membership").asText("leave")));
                } else if (e.stateKey().orElse("").isEmpty()) {
                    String value = content.path("history_visibility").asText();
                    visibility.add(new Change(e.streamPos(), KNOWN.contains(value) ? value : DEFAULT));
                }
            }
            Map<String, List<Change>> frozen = new HashMap<>();
            memberships.forEach((user, changes) -> frozen.put(user, List.copyOf(changes)));
            return new Timeline(List.copyOf(visibility), frozen);
        });
    }
}
