package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.rooms.MatrixIds;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.PathGrammar;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Space hierarchies ("Spaces"): a space's children are the rooms its {@code m.space.child} state events name (with a
 * non-empty {@code via}), ordered by their {@code order}, then when they were added, then room ID. For a user of this
 * server ({@code GET /_matrix/client/v1/rooms/{roomId}/hierarchy}) the tree is walked depth first from a room he may
 * see, in pages, asking the servers of a child's {@code via} ({@link Remote}) about rooms this server is not in; for
 * another server ({@code GET /_matrix/federation/v1/hierarchy/{roomId}}) a space and its children held here are
 * summarised, those that server may not peek or join listed as inaccessible.
 *
 * <p>A room may be seen by a user who is joined or invited, and by anyone when it is public, knockable or
 * world-readable, or restricted to members of a room he is joined to; by a server when one of its users is joined,
 * or when it is public, knockable, world-readable or restricted (then with its {@code allowed_room_ids}, for that
 * server to check).
 */
public final class SpaceHierarchy {

    /** The most rooms of one page, and the default. */
    static final int MAX_LIMIT = 100;
    static final int DEFAULT_LIMIT = 50;
    /** The deepest walk, and the default. */
    static final int MAX_DEPTH = 20;

    /**
     * Another server's summary of a space.
     *
     * @param room the space, with its {@code children_state}
     * @param children its children that server holds and the asking server may see
     * @param inaccessible its children that server holds and the asking server may not see
     */
    public record RemoteSpace(ObjectNode room, List<ObjectNode> children, Set<String> inaccessible) {}

    /** Asks the servers of a child's {@code via} about a room this server is not in. */
    @FunctionalInterface
    public interface Remote {
        Optional<RemoteSpace> summary(String roomId, List<String> via, boolean suggestedOnly);
    }

    /** A child named by an {@code m.space.child} event. */
    private record Child(String roomId, List<String> via, Optional<String> order, long ts) {}

    /** A room found on the walk: its summary (with {@code children_state}) and its children. */
    private record Node(ObjectNode summary, List<Child> children) {}

    private record Entry(String roomId, List<String> via, int depth) {}

    private final RoomService rooms;
    private final String serverName;
    private volatile Remote remote = (roomId, via, suggestedOnly) -> Optional.empty();

    public SpaceHierarchy(RoomService rooms, String serverName) {
        this.rooms = rooms;
        this.serverName = serverName;
    }

    /** Where rooms this server is not in are asked about. */
    public void remote(Remote remote) {
        this.remote = remote;
    }

    /**
     * One page of the hierarchy below {@code roomId} as {@code userId} may see it. The token of the next page
     * ({@code next_batch}) holds how many rooms came before it and the parameters, which may not change.
     */
    public ObjectNode forUser(String userId, String roomId, boolean suggestedOnly, Optional<Long> maxDepth, Optional<Long> limit,
            Optional<String> from) {
        if (limit.isPresent() && limit.get() < 1) {
            throw MatrixException.invalidParam("limit", "must be greater than zero");
        }
        if (maxDepth.isPresent() && maxDepth.get() < 0) {
            throw MatrixException.invalidParam("max_depth", "must not be negative");
        }
        int size = (int) Math.min(MAX_LIMIT, limit.orElse((long) DEFAULT_LIMIT));
        int depth = (int) Math.min(MAX_DEPTH, maxDepth.orElse((long) MAX_DEPTH));
        String fingerprint = Integer.toHexString(Objects.hash(roomId, suggestedOnly, depth));
        int offset = from.map(token -> offset(token, fingerprint)).orElse(0);
        if (!localAccessible(roomId, userId)) {
            throw MatrixException.forbidden(userId + " may not see room " + roomId + ", and it may not be previewed");
        }
        List<ObjectNode> found = walk(userId, roomId, suggestedOnly, depth, offset + size + 1);
        ObjectNode response = MatrixJson.mapper().createObjectNode();
        ArrayNode page = response.putArray("rooms");
        found.subList(Math.min(offset, found.size()), Math.min(offset + size, found.size())).forEach(page::add);
        if (found.size() > offset + size) {
            response.put("next_batch", (offset + size) + "_" + fingerprint);
        }
        return response;
    }

    /**
     * The summary of a space held here for {@code origin}: the room (404 {@code M_NOT_FOUND} when it is not held here or
     * {@code origin} may not see it), its children held here that it may see, and those it may not.
     */
    public RemoteSpace forServer(String origin, String roomId, boolean suggestedOnly) {
        if (!inRoom(roomId) || !serverMay(origin, roomId)) {
            throw new MatrixException(404, ErrorCodes.M_NOT_FOUND, "room " + roomId + " is not known here or may not be peeked");
        }
        Node node = local(roomId, suggestedOnly);
        List<ObjectNode> children = new ArrayList<>();
        Set<String> inaccessible = new java.util.TreeSet<>();
        for (Child child : node.children()) {
            if (!inRoom(child.roomId())) {
                continue;
            }
            if (serverMay(origin, child.roomId())) {
                children.add(local(child.roomId(), suggestedOnly).summary());
            } else {
                inaccessible.add(child.roomId());
            }
        }
        return new RemoteSpace(node.summary(), children, inaccessible);
    }

    private static int offset(String token, String fingerprint) {
        int underscore = token.indexOf('_');
        if (underscore < 0 || !token.substring(underscore + 1).equals(fingerprint)) {
            throw MatrixException.invalidParam("from", "not a token of this hierarchy with these suggested_only and max_depth");
        }
        try {
            int offset = Integer.parseInt(token.substring(0, underscore));
            if (offset < 0) {
                throw MatrixException.invalidParam("from", "not a token of this server");
            }
            return offset;
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam("from", "not a token of this server");
        }
    }

    /** Up to {@code max} rooms of the walk, depth first, each once. */
    private List<ObjectNode> walk(String userId, String rootId, boolean suggestedOnly, int maxDepth, int max) {
        List<ObjectNode> found = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<Entry> stack = new ArrayDeque<>();
        stack.push(new Entry(rootId, List.of(), 0));
        while (!stack.isEmpty() && found.size() < max) {
            Entry entry = stack.pop();
            if (!seen.add(entry.roomId())) {
                continue;
            }
            Optional<Node> node = visit(userId, entry, suggestedOnly);
            if (node.isEmpty()) {
                continue;
            }
            found.add(node.get().summary());
            if (entry.depth() < maxDepth) {
                List<Child> children = node.get().children();
                for (int i = children.size() - 1; i >= 0; i--) {
                    if (!seen.contains(children.get(i).roomId())) {
                        stack.push(new Entry(children.get(i).roomId(), children.get(i).via(), entry.depth() + 1));
                    }
                }
            }
        }
        return found;
    }

    /** The room of an entry when the user may see it: from this server when it is in the room, else from the via servers. */
    private Optional<Node> visit(String userId, Entry entry, boolean suggestedOnly) {
        String roomId = entry.roomId();
        if (inRoom(roomId)) {
            return localAccessible(roomId, userId) ? Optional.of(local(roomId, suggestedOnly)) : Optional.empty();
        }
        Optional<RemoteSpace> answer = entry.via().isEmpty() ? Optional.empty() : remote.summary(roomId, entry.via(), suggestedOnly);
        if (answer.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode summary = answer.get().room();
        if (!remoteAccessible(summary, userId)) {
            return Optional.empty();
        }
        ObjectNode shown = summary.deepCopy();
        shown.remove("allowed_room_ids");
        List<Child> children = children(shown.path("children_state"), suggestedOnly).stream()
                .filter(c -> !answer.get().inaccessible().contains(c.roomId()))
                .toList();
        return Optional.of(new Node(shown, children));
    }

    /** Whether this server is in the room: it holds its state and one of its users is joined. */
    private boolean inRoom(String roomId) {
        return rooms.holds(roomId) && rooms.members(roomId).stream()
                .anyMatch(m -> m.membership().equals("join") && MatrixIds.serverOf(m.userId()).equals(Optional.of(serverName)));
    }

    /** A room held here: its summary with {@code children_state} (and {@code allowed_room_ids} when restricted), its children. */
    private Node local(String roomId, boolean suggestedOnly) {
        Map<List<String>, ObjectNode> state = rooms.stateJson(roomId);
        ObjectNode summary = rooms.publicRoomChunk(rooms.room(roomId));
        List<String> allowed = allowedRooms(state.get(List.of("m.room.join_rules", "")));
        if (!allowed.isEmpty()) {
            allowed.forEach(summary.putArray("allowed_room_ids")::add);
        }
        ArrayNode childrenState = summary.putArray("children_state");
        state.forEach((key, event) -> {
            if (key.getFirst().equals("m.space.child") && event.path("content").path("via").isArray()
                    && !event.path("content").path("via").isEmpty()) {
                ObjectNode stripped = childrenState.addObject();
                stripped.put("type", "m.space.child");
                stripped.put("state_key", key.get(1));
                stripped.set("content", event.path("content").deepCopy());
                stripped.put("sender", event.path("sender").asText());
                stripped.put("origin_server_ts", event.path("origin_server_ts").asLong());
            }
        });
        return new Node(summary, children(childrenState, suggestedOnly));
    }

    /** The children named by {@code children_state}, valid ones only, in the spec's order. */
    private static List<Child> children(JsonNode childrenState, boolean suggestedOnly) {
        List<Child> children = new ArrayList<>();
        for (JsonNode event : childrenState) {
            String roomId = event.path("state_key").asText();
            JsonNode content = event.path("content");
            if (!event.path("type").asText().equals("m.space.child") || PathGrammar.problem("roomId", roomId).isPresent()
                    || !content.path("via").isArray() || content.path("via").isEmpty()) {
                continue;
            }
            if (suggestedOnly && !content.path("suggested").asBoolean(false)) {
                continue;
            }
            List<String> via = new ArrayList<>();
            content.path("via").forEach(v -> {
                if (v.isTextual() && PathGrammar.serverName(v.textValue())) {
                    via.add(v.textValue());
                }
            });
            Optional<String> order = Optional.ofNullable(content.path("order").textValue())
                    .filter(o -> o.length() <= 50 && o.chars().allMatch(c -> c >= 0x20 && c <= 0x7E));
            children.add(new Child(roomId, List.copyOf(via), order, event.path("origin_server_ts").asLong()));
        }
        children.sort(Comparator.comparing((Child c) -> c.order().isEmpty())
                .thenComparing(c -> c.order().orElse(""))
                .thenComparingLong(Child::ts)
                .thenComparing(Child::roomId));
        return children;
    }

    private static List<String> allowedRooms(ObjectNode joinRules) {
        List<String> allowed = new ArrayList<>();
        if (joinRules == null || !List.of("restricted", "knock_restricted").contains(joinRules.path("content").path("join_rule").asText())) {
            return allowed;
        }
        for (JsonNode condition : joinRules.path("content").path("allow")) {
            if (condition.path("type").asText().equals("m.room_membership") && condition.path("room_id").isTextual()) {
                allowed.add(condition.path("room_id").textValue());
            }
        }
        return allowed;
    }

    private static String joinRule(ObjectNode summary) {
        return summary.path("join_rule").asText("invite");
    }

    private static boolean open(ObjectNode summary) {
        return summary.path("world_readable").asBoolean(false) || List.of("public", "knock").contains(joinRule(summary));
    }

    /** Whether a user may see a room held here. */
    private boolean localAccessible(String roomId, String userId) {
        if (!rooms.holds(roomId)) {
            return false;
        }
        Optional<String> membership = rooms.membership(roomId, userId);
        if (membership.filter(m -> m.equals("join") || m.equals("invite")).isPresent()) {
            return true;
        }
        ObjectNode summary = rooms.publicRoomChunk(rooms.room(roomId));
        return open(summary) || joinedToAny(userId, allowedRooms(rooms.stateJson(roomId).get(List.of("m.room.join_rules", ""))));
    }

    /** Whether a user may see a room another server summarised. */
    private boolean remoteAccessible(ObjectNode summary, String userId) {
        if (open(summary)) {
            return true;
        }
        String roomId = summary.path("room_id").asText();
        if (rooms.membership(roomId, userId).filter(m -> m.equals("join") || m.equals("invite")).isPresent()) {
            return true;
        }
        List<String> allowed = new ArrayList<>();
        summary.path("allowed_room_ids").forEach(r -> allowed.add(r.asText()));
        return List.of("restricted", "knock_restricted").contains(joinRule(summary)) && joinedToAny(userId, allowed);
    }

    private boolean joinedToAny(String userId, List<String> roomIds) {
        return roomIds.stream().anyMatch(r -> rooms.membership(r, userId).filter("join"::equals).isPresent());
    }

    /** Whether {@code server} may see a room held here: one of its users is joined, or the room is open or restricted. */
    private boolean serverMay(String server, String roomId) {
        for (Membership m : rooms.members(roomId)) {
            if (m.membership().equals("join") && MatrixIds.serverOf(m.userId()).equals(Optional.of(server))) {
                return true;
            }
        }
        ObjectNode summary = rooms.publicRoomChunk(rooms.room(roomId));
        return open(summary) || List.of("restricted", "knock_restricted").contains(joinRule(summary));
    }
}
