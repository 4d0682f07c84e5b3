package dev.mxspec.client.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.spec.v1_7.clientserver.ClientEventWithoutRoomID;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the sync loop knows of one room: the user's own membership, the current state (latest
 * event per type and state key), members with their membership and display name, the most
 * recent timeline events, who is typing, how far each member has read, the user's unread
 * notifications (in the room, its main timeline and each thread), and the relations seen in the
 * timeline (thread summaries, reactions per key, the latest edit of each event). Updated only by
 * the sync loop; readers get copies.
 */
public final class Room {

    /** The number of timeline events kept per room. */
    public static final int TIMELINE_KEPT = 200;

    /** The user's membership of a room, as sync groups rooms. */
    public enum Membership { JOIN, INVITE, KNOCK, LEAVE }

    /** A member as the room state has it. */
    public record Member(String userId, String membership, Optional<String> displayName) {}

    /** A thread as the sync loop has seen it: how many replies, the latest one, and whether the user took part. */
    public record ThreadSummary(String rootId, long replies, Optional<ClientEventWithoutRoomID> latest, boolean participated) {}

    private final String roomId;
    private Membership membership;
    private final Map<String, Map<String, JsonNode>> state = new TreeMap<>();
    private final Deque<ClientEventWithoutRoomID> timeline = new ArrayDeque<>();
    private final List<String> typing = new java.util.ArrayList<>();
    /** "receipt type user" to event ID, whatever the thread, and "receipt type user thread" (empty: unthreaded). */
    private final Map<String, String> receipts = new java.util.HashMap<>();
    private Optional<String> prevBatch = Optional.empty();
    private Unread unreadMain = Unread.NONE;
    private Map<String, Unread> unreadThreads = Map.of();
    private final Aggregations aggregations;

    Room(String roomId, Membership membership, String me) {
        this.roomId = roomId;
        this.membership = membership;
        this.aggregations = new Aggregations(me);
    }

    public String roomId() {
        return roomId;
    }

    public synchronized Membership membership() {
        return membership;
    }

    /** The content of the current state event of this type and state key. */
    public synchronized Optional<JsonNode> state(String type, String stateKey) {
        return Optional.ofNullable(state.getOrDefault(type, Map.of()).get(stateKey)).map(JsonNode::deepCopy);
    }

    /** The room's name ({@code m.room.name}), if it has one. */
    public Optional<String> name() {
        return state("m.room.name", "").map(c -> c.path("name").asText("")).filter(n -> !n.isEmpty());
    }

    public Optional<String> topic() {
        return state("m.room.topic", "").map(c -> c.path("topic").asText("")).filter(n -> !n.isEmpty());
    }

    /** Everyone with a membership event, by user ID. */
    public synchronized List<Member> members() {
        return state.getOrDefault("m.room.member", Map.of()).entrySet().stream()
                .map(e -> new Member(e.getKey(), e.getValue().path("membership").asText(),
                        Optional.of(e.getValue().path("displayname").asText("")).filter(n -> !n.isEmpty())))
                .toList();
    }

    /** The user IDs of the joined members. */
    public List<String> joinedMembers() {
        return members().stream().filter(m -> m.membership().equals("join")).map(Member::userId).toList();
    }

    /** The name to show for a user: the display name in this room, else the user ID. */
    public String displayName(String userId) {
        return members().stream().filter(m -> m.userId().equals(userId)).findFirst().flatMap(Member::displayName).orElse(userId);
    }

    /** The latest timeline events seen, oldest first (at most {@value #TIMELINE_KEPT}). */
    public synchronized List<ClientEventWithoutRoomID> timeline() {
        return List.copyOf(timeline);
    }

    /** The users typing in the room, as the latest {@code m.typing} event said. */
    public synchronized List<String> typing() {
        return List.copyOf(typing);
    }

    /**
     * The event up to which a user has read, by their latest receipt of a type ({@code m.read},
     * or {@code m.read.private} for one's own), in the main timeline or any thread.
     */
    public synchronized Optional<String> readUpTo(String userId, String receiptType) {
        return Optional.ofNullable(receipts.get(receiptType + " " + userId));
    }

    /**
     * The event up to which a user has read in one thread: {@code threadId} a thread root or
     * {@code main} for a threaded receipt, empty for an unthreaded one (receipts of different
     * threads do not replace each other).
     */
    public synchronized Optional<String> readUpTo(String userId, String receiptType, Optional<String> threadId) {
        return Optional.ofNullable(receipts.get(receiptType + " " + userId + " " + threadId.orElse("")));
    }

    synchronized void applyEphemeral(String type, JsonNode content) {
        if (type.equals("m.typing")) {
            typing.clear();
            content.path("user_ids").forEach(u -> typing.add(u.asText()));
        } else if (type.equals("m.receipt")) {
            content.properties().forEach(event -> event.getValue().properties().forEach(kind ->
                    kind.getValue().properties().forEach(user -> {
                        String key = kind.getKey() + " " + user.getKey();
                        receipts.put(key, event.getKey());
                        receipts.put(key + " " + user.getValue().path("thread_id").asText(""), event.getKey());
                    })));
        }
    }

    /** The user's unread notifications in the whole room: the main timeline and every thread. */
    public synchronized Unread unread() {
        return unreadThreads.values().stream().reduce(unreadMain, Unread::plus);
    }

    /** The user's unread notifications in the main timeline (events in no thread). */
    public synchronized Unread unreadMain() {
        return unreadMain;
    }

    /** The user's unread notifications in a thread, by its root's event ID. */
    public synchronized Unread unread(String threadRootId) {
        return unreadThreads.getOrDefault(threadRootId, Unread.NONE);
    }

    /** The threads with unread notifications, by root event ID (sorted). */
    public synchronized Map<String, Unread> unreadThreads() {
        return unreadThreads;
    }

    /** The counts of a sync: the main timeline's, and each thread's (a thread left out has none). */
    synchronized void unreadFromSync(Unread main, Map<String, Unread> threads) {
        unreadMain = main;
        unreadThreads = java.util.Collections.unmodifiableMap(new TreeMap<>(threads));
    }

    /** The summary of a thread whose root or replies the loop has seen. */
    public synchronized Optional<ThreadSummary> thread(String rootId) {
        return aggregations.thread(rootId);
    }

    /** The threads the loop has seen, most recently active first. */
    public synchronized List<ThreadSummary> threads() {
        return aggregations.threads();
    }

    /** Reactions to an event seen by the loop: key to how many, in the order the keys first came. */
    public synchronized Map<String, Integer> reactions(String eventId) {
        return aggregations.reactions(eventId);
    }

    /** The latest edit of an event ({@code m.replace}): bundled by the server or seen since. */
    public synchronized Optional<ClientEventWithoutRoomID> latestEdit(String eventId) {
        return aggregations.latestEdit(eventId);
    }

    /** The content to show for an event: its latest edit's {@code m.new_content}, else its own. */
    public JsonNode shownContent(ClientEventWithoutRoomID event) {
        return latestEdit(event.eventId()).map(e -> e.content().path("m.new_content")).filter(JsonNode::isObject).orElse(event.content());
    }

    /** The token to paginate back from the oldest event kept ({@code /messages?from=}). */
    public synchronized Optional<String> prevBatch() {
        return prevBatch;
    }

    synchronized void membership(Membership m) {
        membership = m;
    }

    synchronized void applyState(String type, String stateKey, String sender, JsonNode content) {
        state.computeIfAbsent(type, t -> new TreeMap<>()).put(stateKey, content);
    }

    synchronized void appendTimeline(List<ClientEventWithoutRoomID> events, boolean limited, Optional<String> prev) {
        if (limited || timeline.isEmpty()) {
            timeline.clear();
            prevBatch = prev;
        }
        for (ClientEventWithoutRoomID e : events) {
            e.stateKey().ifPresent(key -> applyState(e.type(), key, e.sender(), e.content()));
            aggregations.add(e);
            timeline.addLast(e);
            if (timeline.size() > TIMELINE_KEPT) {
                timeline.removeFirst();
            }
        }
    }

    @Override
    public String toString() {
        return "Room[" + roomId + ", " + membership() + name().map(n -> ", " + n).orElse("") + "]";
    }
}
