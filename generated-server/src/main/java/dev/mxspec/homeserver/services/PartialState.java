package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.storage.Records.GraphRow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The state a resident server answers a {@code send_join} with when the joining server asked for
 * {@code omit_members} (server-server API, "Joining Rooms", v2 {@code send_join}): every state event but the
 * {@code m.room.member} ones, except the members a client needs (the heroes of a room without a name or canonical
 * alias, as the client-server API's room summary picks them), the joining user's own membership, and the
 * memberships the auth chains of the kept events and of the join cite; the auth chain without the events the state
 * holds already.
 */
final class PartialState {

    static final int HEROES = 5;

    /** The state and auth chain of the answer. */
    record Answer(List<GraphRow> state, List<GraphRow> authChain) {}

    private PartialState() {}

    /**
     * @param stateBefore the state before the join
     * @param join        the join, as stored
     * @param authChain   the auth chain of some events (without them)
     */
    static Answer of(List<GraphRow> stateBefore, GraphRow join, String joiner, Function<Collection<GraphRow>, List<GraphRow>> authChain) {
        List<GraphRow> kept = new ArrayList<>();
        List<GraphRow> members = new ArrayList<>();
        boolean named = false;
        for (GraphRow row : stateBefore) {
            JsonNode e = ClientEvents.parse(row.json());
            String type = e.path("type").asText();
            if (type.equals("m.room.member")) {
                members.add(row);
                continue;
            }
            kept.add(row);
            named |= type.equals("m.room.name") && !e.path("content").path("name").asText("").isEmpty()
                    || type.equals("m.room.canonical_alias") && !e.path("content").path("alias").asText("").isEmpty();
        }
        Set<String> wanted = new HashSet<>();
        if (!named) {
            heroes(members, joiner).forEach(r -> wanted.add(r.eventId()));
        }
        members.stream().filter(r -> ClientEvents.parse(r.json()).path("state_key").asText().equals(joiner)).forEach(r -> wanted.add(r.eventId()));
        List<GraphRow> from = new ArrayList<>(kept);
        members.stream().filter(r -> wanted.contains(r.eventId())).forEach(from::add);
        from.add(join);
        authChain.apply(from).forEach(r -> wanted.add(r.eventId()));
        members.stream().filter(r -> wanted.contains(r.eventId())).forEach(kept::add);
        Set<String> inState = new HashSet<>();
        kept.forEach(r -> inState.add(r.eventId()));
        List<GraphRow> withJoin = new ArrayList<>(kept);
        withJoin.add(join);
        List<GraphRow> chain = authChain.apply(withJoin).stream().filter(r -> !inState.contains(r.eventId())).toList();
        return new Answer(kept, chain);
    }

    /** Joined and invited members but the joiner, earliest first; when there are none, those who left or were banned. */
    private static List<GraphRow> heroes(List<GraphRow> members, String joiner) {
        List<GraphRow> others = members.stream().filter(r -> !ClientEvents.parse(r.json()).path("state_key").asText().equals(joiner))
                .sorted(Comparator.comparingLong(GraphRow::streamPos)).toList();
        List<GraphRow> present = others.stream().filter(r -> List.of("join", "invite").contains(membership(r))).toList();
        return (present.isEmpty() ? others : present).stream().limit(HEROES).toList();
    }

    private static String membership(GraphRow r) {
        return ClientEvents.parse(r.json()).path("content").path("membership").asText();
    }
}
