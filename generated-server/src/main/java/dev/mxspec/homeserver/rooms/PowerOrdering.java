package dev.mxspec.homeserver.rooms;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The reverse topological power ordering (room version 2): the lexicographically smallest topological ordering
 * of a set of events by the DAG their auth events form, earliest first, found with Kahn's algorithm taking at
 * each step the smallest ready event: the sender with the greater power level (as its auth events give it), then
 * the smaller {@code origin_server_ts}, then the smaller event ID.
 */
final class PowerOrdering {

    private PowerOrdering() {}

    /** {@code events} in the reverse topological power ordering. */
    static List<String> sort(Collection<String> events, AuthGraph graph) {
        Set<String> set = new HashSet<>(events);
        Map<String, Set<String>> before = new Ancestors(set, graph).nearestOfEach();
        Map<String, List<String>> after = new HashMap<>();
        Map<String, Integer> waiting = new HashMap<>();
        PriorityQueue<String> ready = new PriorityQueue<>(comparator(graph));
        for (String event : set) {
            waiting.put(event, before.get(event).size());
            for (String earlier : before.get(event)) {
                after.computeIfAbsent(earlier, key -> new ArrayList<>()).add(event);
            }
            if (before.get(event).isEmpty()) {
                ready.add(event);
            }
        }
        List<String> sorted = new ArrayList<>(set.size());
        while (!ready.isEmpty()) {
            String event = ready.poll();
            sorted.add(event);
            for (String later : after.getOrDefault(event, List.of())) {
                if (waiting.merge(later, -1, Integer::sum) == 0) {
                    ready.add(later);
                }
            }
        }
        return sorted;
    }

    /** Power level of the sender descending, then {@code origin_server_ts} ascending, then event ID. */
    static Comparator<String> comparator(AuthGraph graph) {
        return Comparator.comparingLong(graph::senderPowerLevel).reversed()
                .thenComparingLong(event -> graph.node(event).originServerTs())
                .thenComparing(Comparator.naturalOrder());
    }

    /**
     * For each event of a set, the events of the set in its auth chain that no other event of the set lies
     * between (enough for a topological ordering: the rest follow by transitivity). Paths through events
     * outside the set count, so the order holds even where the set's events do not cite each other directly.
     */
    private static final class Ancestors {

        private final Set<String> set;
        private final AuthGraph graph;
        /** For events outside the set: the nearest events of the set below them. */
        private final Map<String, Set<String>> below = new HashMap<>();

        Ancestors(Set<String> set, AuthGraph graph) {
            this.set = set;
            this.graph = graph;
        }

        Map<String, Set<String>> nearestOfEach() {
            Map<String, Set<String>> nearest = new HashMap<>();
            for (String event : set) {
                nearest.put(event, nearestBelow(event));
            }
            return nearest;
        }

        /** The nearest events of the set among {@code event}'s auth events and, through others, their chains. */
        private Set<String> nearestBelow(String event) {
            for (String authEvent : graph.node(event).authEvents()) {
                if (!set.contains(authEvent)) {
                    outside(authEvent);
                }
            }
            return nearestBelowKnown(event);
        }

        /** {@link #below} of an event outside the set, computed depth first without recursion. */
        private Set<String> outside(String start) {
            Deque<String> stack = new ArrayDeque<>();
            Set<String> open = new HashSet<>();
            stack.push(start);
            while (!stack.isEmpty()) {
                String event = stack.peek();
                if (below.containsKey(event)) {
                    stack.pop();
                    continue;
                }
                boolean done = true;
                if (open.add(event)) {
                    for (String authEvent : graph.node(event).authEvents()) {
                        if (!set.contains(authEvent) && !below.containsKey(authEvent) && !open.contains(authEvent)) {
                            stack.push(authEvent);
                            done = false;
                        }
                    }
                }
                if (done) {
                    stack.pop();
                    below.put(event, nearestBelowKnown(event));
                }
            }
            return below.get(start);
        }

        /** {@link #nearestBelow} once {@link #below} holds every auth event of {@code event} outside the set. */
        private Set<String> nearestBelowKnown(String event) {
            Set<String> nearest = new HashSet<>();
            for (String authEvent : graph.node(event).authEvents()) {
                if (set.contains(authEvent)) {
                    nearest.add(authEvent);
                } else {
                    nearest.addAll(below.getOrDefault(authEvent, Set.of()));
                }
            }
            return nearest.isEmpty() ? Set.of() : nearest;
        }
    }
}
