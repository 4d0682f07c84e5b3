package dev.mxspec.homeserver.rooms;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The mainline ordering (room version 2). The mainline of a power levels event P<sub>0</sub> is P<sub>0</sub>,
 * the power levels event P<sub>1</sub> among its auth events, P<sub>2</sub> among those of P<sub>1</sub>, and so
 * on. The mainline position of another event e is i for the first power levels event of e's chain (the one e
 * cites, the one that one cites, ...) that is some P<sub>i</sub>, and infinity when none is. Events are ordered by
 * mainline position descending (the earlier the mainline event they build on, the earlier), then
 * {@code origin_server_ts} ascending, then event ID.
 */
final class MainlineOrdering {

    private static final int INFINITY = Integer.MAX_VALUE;

    private final AuthGraph graph;
    private final Map<String, Integer> mainline = new HashMap<>();
    /** Positions found so far, for every power levels event walked through. */
    private final Map<String, Integer> positions = new HashMap<>();

    private MainlineOrdering(AuthGraph graph, Optional<String> powerLevels) {
        this.graph = graph;
        int index = 0;
        Optional<String> event = powerLevels;
        while (event.isPresent() && mainline.putIfAbsent(event.get(), index) == null) {
            index++;
            event = graph.powerLevelsAuthEvent(event.get());
        }
    }

    /** {@code events} in the mainline ordering based on {@code powerLevels} (none: every position is infinity). */
    static List<String> sort(Collection<String> events, Optional<String> powerLevels, AuthGraph graph) {
        MainlineOrdering ordering = new MainlineOrdering(graph, powerLevels);
        Map<String, Integer> position = new HashMap<>();
        for (String event : events) {
            position.put(event, ordering.position(event));
        }
        List<String> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingInt((String event) -> position.get(event)).reversed()
                .thenComparingLong(event -> graph.node(event).originServerTs())
                .thenComparing(Comparator.naturalOrder()));
        return sorted;
    }

    /** The mainline position of {@code event}: the walk starts at the power levels event it cites, not at itself. */
    private int position(String event) {
        Set<String> walked = new LinkedHashSet<>();
        Optional<String> next = graph.powerLevelsAuthEvent(event);
        int position = INFINITY;
        while (next.isPresent()) {
            String powerLevels = next.get();
            Integer found = mainline.containsKey(powerLevels) ? mainline.get(powerLevels) : positions.get(powerLevels);
            if (found != null) {
                position = found;
                break;
            }
            if (!walked.add(powerLevels)) {
                break;
            }
            next = graph.powerLevelsAuthEvent(powerLevels);
        }
        for (String powerLevels : walked) {
            positions.put(powerLevels, position);
        }
        return position;
    }
}
