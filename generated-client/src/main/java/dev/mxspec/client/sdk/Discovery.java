package dev.mxspec.client.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.spec.v1_7.clientserver.ChildRoomsChunk;
import dev.mxspec.spec.v1_7.clientserver.ReportContentRequest;
import dev.mxspec.spec.v1_7.clientserver.SearchUserDirectoryRequest;
import dev.mxspec.spec.v1_7.clientserver.StrippedChildStateEvent;
import dev.mxspec.spec.v1_7.clientserver.UpgradeRoomRequest;
import dev.mxspec.spec.v1_7.clientserver.client.ClientServerClient;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetSpaceHierarchy;
import dev.mxspec.spec.v1_7.clientserver.endpoints.ReportContent;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SearchUserDirectory;
import dev.mxspec.spec.v1_7.clientserver.endpoints.UpgradeRoom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finding rooms and people, and looking after rooms: space hierarchies as trees, the user directory, upgrades, reports. */
public final class Discovery {

    /** A room of a space hierarchy and the rooms it lists as children that the server could show. */
    public record SpaceNode(ChildRoomsChunk room, List<SpaceNode> children) {}

    /** A user directory hit. */
    public record Person(String userId, Optional<String> displayName) {}

    /** People found, and whether there were more than asked for. */
    public record People(List<Person> people, boolean limited) {}

    /**
     * The spaces module's order of children: those with a valid {@code order} first, by it; then by the time their
     * {@code m.space.child} event was sent; then by room ID.
     */
    static final Comparator<StrippedChildStateEvent> SPEC_ORDER = Comparator
            .<StrippedChildStateEvent, String>comparing(c -> order(c).orElse(null), Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(StrippedChildStateEvent::originServerTs)
            .thenComparing(StrippedChildStateEvent::stateKey);

    private final ClientServerClient api;

    Discovery(ClientServerClient api) {
        this.api = api;
    }

    /**
     * The space and what it holds (every page of {@code /hierarchy}), as a tree: each room under the space that lists it
     * as a child, in the hierarchy's order. A room listed by two spaces is shown under each; a cycle ends at the second visit.
     */
    public SpaceNode spaceTree(String spaceId, Optional<Integer> maxDepth, boolean suggestedOnly) {
        Map<String, ChildRoomsChunk> rooms = new LinkedHashMap<>();
        Optional<String> from = Optional.empty();
        do {
            var page = api.getSpaceHierarchy(new GetSpaceHierarchy.Request(spaceId, Optional.of(suggestedOnly), Optional.of(50L),
                    maxDepth.map(Integer::longValue), from));
            page.rooms().forEach(r -> rooms.putIfAbsent(r.roomId(), r));
            from = page.nextBatch();
        } while (from.isPresent());
        ChildRoomsChunk root = rooms.get(spaceId);
        if (root == null) {
            throw new IllegalStateException("the server did not list the space itself");
        }
        return node(root, rooms, new ArrayList<>());
    }

    private static SpaceNode node(ChildRoomsChunk room, Map<String, ChildRoomsChunk> rooms, List<String> path) {
        path.add(room.roomId());
        List<SpaceNode> children = new ArrayList<>();
        List<StrippedChildStateEvent> ordered = new ArrayList<>(room.childrenState());
        ordered.sort(SPEC_ORDER);
        for (StrippedChildStateEvent child : ordered) {
            ChildRoomsChunk shown = rooms.get(child.stateKey());
            if (shown != null && !path.contains(shown.roomId())) {
                children.add(node(shown, rooms, path));
            }
        }
        path.removeLast();
        return new SpaceNode(room, children);
    }

    /** A child's {@code order}: printable ASCII of at most 50 characters, else none. */
    private static Optional<String> order(StrippedChildStateEvent child) {
        JsonNode order = child.content().path("order");
        return order.isTextual() && order.textValue().length() <= 50 && order.textValue().chars().allMatch(c -> c >= 0x20 && c <= 0x7e)
                ? Optional.of(order.textValue()) : Optional.empty();
    }

    /** Upgrades a room; the replacement room's ID. */
    public String upgrade(String roomId, String newVersion) {
        return api.upgradeRoom(new UpgradeRoom.Request(roomId, new UpgradeRoomRequest(newVersion, Map.of()))).replacementRoom();
    }

    /** People whose name or ID begins with the term, from the user directory. */
    public People findPeople(String term, int limit) {
        var found = api.searchUserDirectory(new SearchUserDirectory.Request(new SearchUserDirectoryRequest(term, Optional.of((long) limit),
                Map.of())));
        return new People(found.results().stream().map(r -> new Person(r.userId(), r.displayName())).toList(), found.limited());
    }

    /** Reports an event to the server's operators. */
    public JsonNode report(String roomId, String eventId, Optional<String> reason, Optional<Long> score) {
        return api.reportContent(new ReportContent.Request(roomId, eventId, new ReportContentRequest(score, reason, Map.of())));
    }
}
