package dev.mxspec.homeserver.services;

import dev.mxspec.homeserver.rooms.StateKey;
import dev.mxspec.homeserver.storage.GraphStore;
import dev.mxspec.homeserver.storage.Records.StateGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Room states as state groups. A group derived from a parent has the parent's level + 1 and is stored as a delta
 * against its base, the ancestor at level {@code level - lowestOneBit(level)} (a skip list over the chain of
 * parents, as a Fenwick tree lays out prefix sums): reading any group applies at most log2(level) + 1 deltas, and a
 * chain of n groups that each change one key holds about n/2 * log2(n) + n delta rows, where a copy of the state
 * per group would hold n²/2. A group without a parent holds its whole state.
 *
 * <p>Groups never change once stored; the most recently read ones are kept in memory.
 */
public final class StateGroups {

    private static final int CACHED = 16_384;

    private final java.util.function.LongFunction<Optional<StateGroup>> stored;
    private final AtomicLong ids;
    private final Map<Long, StateGroup> cache = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, StateGroup> eldest) {
            return size() > CACHED;
        }
    });

    public StateGroups(GraphStore store) {
        this(store.maxStateGroup(), id -> store.stateGroups(List.of(id)).stream().findFirst());
    }

    /** Groups read by {@code stored}; new ones numbered after {@code lastId}. */
    public StateGroups(long lastId, java.util.function.LongFunction<Optional<StateGroup>> stored) {
        this.stored = stored;
        this.ids = new AtomicLong(lastId);
    }

    /** The whole state of a group: (type, state key) to event ID. */
    public Map<StateKey, String> state(long groupId) {
        return state(groupId, Map.of());
    }

    /** {@link #state(long)}, the groups in {@code pending} (made, not stored yet) known too. */
    public Map<StateKey, String> state(long groupId, Map<Long, StateGroup> pending) {
        List<StateGroup> chain = new ArrayList<>();
        Optional<Long> next = Optional.of(groupId);
        while (next.isPresent()) {
            StateGroup g = group(next.get(), pending);
            chain.add(g);
            next = g.base();
        }
        Map<StateKey, String> state = new HashMap<>();
        for (StateGroup g : chain.reversed()) {
            g.delta().forEach((key, id) -> {
                if (id.isPresent()) {
                    state.put(key, id.get());
                } else {
                    state.remove(key);
                }
            });
        }
        return state;
    }

    /**
     * A new group (not stored yet: it is written with the event it belongs to, then {@link #stored}): the state of
     * {@code parent} (none for a room's first state) with {@code changes} applied, a key mapped to empty removed.
     */
    public StateGroup derive(String roomId, Optional<Long> parent, Map<StateKey, Optional<String>> changes) {
        return derive(roomId, parent, changes, Map.of());
    }

    /** {@link #derive(String, Optional, Map)}, the groups in {@code pending} (made, not stored yet) known too. */
    public StateGroup derive(String roomId, Optional<Long> parent, Map<StateKey, Optional<String>> changes, Map<Long, StateGroup> pending) {
        long id = ids.incrementAndGet();
        if (parent.isEmpty()) {
            Map<StateKey, Optional<String>> whole = new LinkedHashMap<>();
            changes.forEach((key, value) -> value.ifPresent(v -> whole.put(key, value)));
            return new StateGroup(id, roomId, Optional.empty(), Optional.empty(), 0, Collections.unmodifiableMap(whole));
        }
        StateGroup p = group(parent.get(), pending);
        long level = p.level() + 1;
        long baseLevel = level - Long.lowestOneBit(level);
        // the deltas from the parent down to the base, by base links: each link clears the lowest set bit of a level
        List<StateGroup> path = new ArrayList<>();
        StateGroup g = p;
        while (g.level() > baseLevel) {
            path.add(g);
            g = group(g.base().orElseThrow(() -> new IllegalStateException("state group without a base above level 0")), pending);
        }
        Map<StateKey, Optional<String>> delta = new LinkedHashMap<>();
        for (StateGroup step : path.reversed()) {
            delta.putAll(step.delta());
        }
        delta.putAll(changes);
        return new StateGroup(id, roomId, parent, Optional.of(g.groupId()), level, Collections.unmodifiableMap(delta));
    }

    /** A new group as {@link #derive} gives it, holding {@code target}: the changes from the parent's state computed here. */
    public StateGroup deriveTo(String roomId, long parent, Map<StateKey, String> target, Map<Long, StateGroup> pending) {
        Map<StateKey, String> from = state(parent, pending);
        Map<StateKey, Optional<String>> changes = new LinkedHashMap<>();
        target.forEach((key, id) -> {
            if (!id.equals(from.get(key))) {
                changes.put(key, Optional.of(id));
            }
        });
        from.keySet().stream().filter(key -> !target.containsKey(key)).forEach(key -> changes.put(key, Optional.empty()));
        return derive(roomId, Optional.of(parent), changes, pending);
    }

    /** Keeps groups written to storage at hand. */
    public void stored(List<StateGroup> groups) {
        groups.forEach(g -> cache.put(g.groupId(), g));
    }

    private StateGroup group(long groupId, Map<Long, StateGroup> pending) {
        StateGroup made = pending.get(groupId);
        if (made != null) {
            return made;
        }
        StateGroup known = cache.get(groupId);
        if (known != null) {
            return known;
        }
        StateGroup loaded = stored.apply(groupId)
                .orElseThrow(() -> new IllegalStateException("no state group " + groupId));
        cache.put(groupId, loaded);
        return loaded;
    }
}
