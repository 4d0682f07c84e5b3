package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.StreamCounter;
import dev.mxspec.homeserver.push.Actions;
import dev.mxspec.homeserver.push.CompiledRules;
import dev.mxspec.homeserver.push.Condition;
import dev.mxspec.homeserver.push.Recipient;
import dev.mxspec.homeserver.push.RoomFacts;
import dev.mxspec.homeserver.rooms.PowerLevels;
import dev.mxspec.homeserver.storage.NotificationStore;
import dev.mxspec.homeserver.storage.NotificationStore.ReadMark;
import dev.mxspec.homeserver.storage.Records.PushAction;
import dev.mxspec.homeserver.storage.Records.Relation;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.Records.UnreadCounts;
import dev.mxspec.homeserver.storage.RelationStore;
import dev.mxspec.homeserver.storage.RoomStore;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Notifications: every new event evaluated against the push rules of each local member who may
 * see it (its sender excepted), the counts of unread notifications per room and thread, moved on
 * by read receipts and by the member's own events, and the list of past notifications.
 *
 * <p>Rules are compiled once per user and change ({@link #rulesChanged}); what the conditions read
 * from a room (its joined members with their display names, its member count and power levels)
 * is worked out once per state of the room. Compiled rule sets are shared by the users who kept the
 * same rules (conditions on a user's own ID become conditions on the member), and each set is
 * walked once per event, testing what does not depend on the member; what is left for each member
 * is the few conditions that name him (his user ID, display name, localpart). Events in a thread count in that thread: the thread of an event is
 * found by following its relations, at most three hops, as the spec recommends; thread roots
 * belong to the main timeline.
 */
public final class Notifications {

    /** The thread ID of the main timeline. */
    public static final String MAIN = "main";
    private static final int THREAD_HOPS = 3;

    private final NotificationStore store;
    private final UnreadCounter counter;
    private final RelationStore relations;
    private final RoomStore events;
    private final Function<String, JsonNode> rulesOf;
    private final Function<String, Set<String>> ignoredBy;
    private final String serverName;
    private final boolean evaluate;
    private final ConcurrentHashMap<String, CompiledRules> compiled = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Audience> audiences = new ConcurrentHashMap<>();
    private volatile Consumer<List<PushAction>> listener = actions -> { };

    /**
     * @param rulesOf a user's whole rule set, {@code {"global": {...}}} ({@link PushRules#ruleset})
     * @param ignoredBy the users a user ignores: their events never notify him
     * @param evaluate false to switch evaluation off (no notifications, counts always 0)
     */
    public Notifications(NotificationStore store, RelationStore relations, RoomStore events, StreamCounter stream,
            Function<String, JsonNode> rulesOf, Function<String, Set<String>> ignoredBy, String serverName, boolean evaluate) {
        this.store = store;
        this.counter = new UnreadCounter(store, stream);
        this.relations = relations;
        this.events = events;
        this.rulesOf = rulesOf;
        this.ignoredBy = ignoredBy;
        this.serverName = serverName;
        this.evaluate = evaluate;
    }

    /** Who hears of stored notifications (the pushers), called after the event is stored. */
    public void onNotified(Consumer<List<PushAction>> listener) {
        this.listener = listener;
    }

    /** Forgets a user's compiled rules after they changed. */
    public void rulesChanged(String userId) {
        compiled.remove(userId);
    }

    /** What the members' rules make of a new event, and the read mark the sender's own event moves. */
    public record Outcome(List<PushAction> actions, List<ReadMark> reads) {}

    /**
     * Evaluates a new event (not yet stored) for the members of its room.
     *
     * @param pdu the event as it will be stored, without its ID
     * @param state the room's current state before the event, (type, state_key) to event JSON; the same map
     *     instance as long as the state does not change (the room's members are worked out once per instance)
     * @param creator the room's creator (for the power levels of a room without them)
     */
    public Outcome evaluate(ObjectNode pdu, String eventId, long streamPos, Map<List<String>, ObjectNode> state, String creator) {
        String roomId = pdu.path("room_id").asText();
        String sender = pdu.path("sender").asText();
        String thread = threadOf(pdu.path("content"));
        List<ReadMark> reads = isLocal(sender) ? List.of(new ReadMark(sender, roomId, thread, streamPos)) : List.of();
        if (!evaluate) {
            return new Outcome(List.of(), reads);
        }
        Audience audience = audience(roomId, state, creator);
        ObjectNode event = pdu.deepCopy().put("event_id", eventId);
        List<PushAction> actions = new ArrayList<>();
        long ts = pdu.path("origin_server_ts").asLong();
        Evaluations evaluations = new Evaluations(event, audience);
        for (Recipient member : audience.members()) {
            consider(event, member, audience, sender, thread, streamPos, ts, actions, evaluations);
        }
        if (pdu.path("type").asText().equals("m.room.member") && pdu.path("content").path("membership").asText().equals("invite")) {
            String invitee = pdu.path("state_key").asText();
            if (isLocal(invitee) && audience.members().stream().noneMatch(m -> m.userId().equals(invitee))) {
                consider(event, Recipient.of(invitee, Optional.empty()), audience, sender, thread, streamPos, ts, actions, evaluations);
            }
        }
        return new Outcome(actions, reads);
    }

    private void consider(ObjectNode event, Recipient member, Audience audience, String sender, String thread, long streamPos, long ts,
            List<PushAction> out, Evaluations evaluations) {
        if (member.userId().equals(sender) || ignoredBy.apply(member.userId()).contains(sender)) {
            return;
        }
        Actions actions = evaluations.of(rules(member.userId())).actions(event, member, audience);
        if (actions.notifies()) {
            out.add(new PushAction(member.userId(), event.path("room_id").asText(), event.path("event_id").asText(), streamPos, thread,
                    actions.highlight(), actions.json(), ts));
        }
    }

    /** Hands the notifications of a stored event to the counts; called before its position is done. */
    public void hold(Outcome outcome) {
        outcome.reads().forEach(r -> counter.marksMoved(r.userId(), r.roomId()));
        counter.held(outcome.actions());
    }

    /** The notifications of an event of the room were removed (it was redacted). */
    public void redacted(String roomId) {
        counter.roomChanged(roomId);
    }

    /** Tells the pushers of what an event stored with its outcome notified; called once its position is done. */
    public void stored(Outcome outcome) {
        if (!outcome.actions().isEmpty()) {
            listener.accept(outcome.actions());
        }
    }

    private CompiledRules rules(String userId) {
        // computed under the map's lock for the user, so that rulesChanged, which removes, waits for a compile in progress
        CompiledRules rules = compiled.get(userId);
        return rules != null ? rules : compiled.computeIfAbsent(userId, u -> CompiledRules.compile(rulesOf.apply(u).path("global"), u));
    }

    /**
     * One event's evaluations: per rule set (users who kept the server's rules share one), the rules
     * left once the conditions that do not depend on the member are tested, each of those tested once.
     */
    private static final class Evaluations {
        private final ObjectNode event;
        private final RoomFacts room;
        private final Map<Condition, Boolean> known = new IdentityHashMap<>(64);
        private final Map<CompiledRules, CompiledRules.Evaluation> bySet = new IdentityHashMap<>();

        Evaluations(ObjectNode event, RoomFacts room) {
            this.event = event;
            this.room = room;
        }

        CompiledRules.Evaluation of(CompiledRules rules) {
            CompiledRules.Evaluation e = bySet.get(rules);
            if (e == null) {
                e = rules.forEvent(event, room, known);
                bySet.put(rules, e);
            }
            return e;
        }
    }

    /**
     * The thread an event is in: the root of an {@code m.thread} relation, or the thread of the event
     * it relates to otherwise (at most three hops); {@code main} when none.
     */
    public String threadOf(JsonNode content) {
        JsonNode to = content.path("m.relates_to");
        if (!to.path("event_id").isTextual()) {
            return MAIN;
        }
        if (to.path("rel_type").asText().equals("m.thread")) {
            return to.get("event_id").asText();
        }
        String parent = to.get("event_id").asText();
        for (int hop = 1; hop < THREAD_HOPS; hop++) {
            Optional<Relation> up = relations.relationOf(parent);
            if (up.isEmpty()) {
                return MAIN;
            }
            if (up.get().relType().equals("m.thread")) {
                return up.get().relatesTo();
            }
            parent = up.get().relatesTo();
        }
        return MAIN;
    }

    /**
     * Whether a threaded receipt may name an event: {@code main} takes events of the main timeline
     * (thread roots included), a root takes the events of its thread and the root itself.
     */
    public boolean inThread(StoredEvent event, String threadId) {
        String thread = threadOf(ClientEvents.parse(event.json()).path("content"));
        return thread.equals(threadId) || threadId.equals(event.eventId()) && thread.equals(MAIN);
    }

    /**
     * Moves a member's read mark to an event, for an {@code m.read} or {@code m.read.private}
     * receipt: unthreaded (the whole room) without a thread ID, else that thread's ({@code main} or
     * a root). Marks never move back.
     */
    public void read(String userId, String roomId, String eventId, Optional<String> threadId) {
        events.event(eventId).filter(e -> e.roomId().equals(roomId)).ifPresent(e -> {
            store.markRead(new ReadMark(userId, roomId, threadId.orElse(""), e.streamPos()));
            counter.marksMoved(userId, roomId);
        });
    }

    /** A member's unread notifications in a room. */
    public record Unread(UnreadCounts room, Map<String, UnreadCounts> threads) {}

    /**
     * The unread notifications of a member in a room: with {@code perThread}, the room's counts are
     * those of the main timeline and each thread with unread notifications has its own; without,
     * the room's counts cover every thread. Notifications after {@code upTo} (a sync's position) are not counted yet.
     */
    public Unread unread(String userId, String roomId, long upTo, boolean perThread) {
        if (!evaluate) {
            return new Unread(new UnreadCounts(MAIN, 0, 0), Map.of());
        }
        List<UnreadCounts> all = counter.unread(userId, roomId, upTo);
        if (!perThread) {
            return new Unread(new UnreadCounts(MAIN, all.stream().mapToLong(UnreadCounts::notifications).sum(),
                    all.stream().mapToLong(UnreadCounts::highlights).sum()), Map.of());
        }
        Map<String, UnreadCounts> threads = new java.util.TreeMap<>();
        UnreadCounts main = new UnreadCounts(MAIN, 0, 0);
        for (UnreadCounts c : all) {
            if (c.threadId().equals(MAIN)) {
                main = c;
            } else {
                threads.put(c.threadId(), c);
            }
        }
        return new Unread(main, threads);
    }

    /** The unread notifications of a member across all rooms (the badge a push carries). */
    public UnreadCounts unreadTotal(String userId) {
        return store.unreadTotal(userId);
    }

    /** A member's notifications before a position, newest first. */
    public List<NotificationStore.Notified> list(String userId, long before, int limit, boolean onlyHighlight) {
        return store.notifications(userId, before, limit, onlyHighlight);
    }

    /** A member's notifications after a position, oldest first (for the pushers). */
    public List<PushAction> after(String userId, long after, int limit) {
        return store.pushActions(userId, after, limit);
    }

    /** The stored events of notifications, by ID. */
    public Map<String, StoredEvent> eventsOf(List<NotificationStore.Notified> notifications) {
        Map<String, StoredEvent> byId = new java.util.HashMap<>();
        events.events(notifications.stream().map(n -> n.action().eventId()).distinct().toList()).forEach(e -> byId.put(e.eventId(), e));
        return byId;
    }

    private boolean isLocal(String userId) {
        return userId.endsWith(":" + serverName);
    }

    /** What the conditions read from a room in one state: its local joined members, member count and power levels. */
    private record Audience(Map<List<String>, ObjectNode> state, List<Recipient> members, long joined, PowerLevels levels)
            implements RoomFacts {

        @Override
        public long joinedMembers() {
            return joined;
        }

        @Override
        public long senderLevel(String sender) {
            return levels.userLevel(sender);
        }

        @Override
        public long notificationLevel(String key) {
            return levels.notificationLevel(key).orElse(PowerLevels.DEFAULT_ROOM_NOTIFICATION);
        }
    }

    private Audience audience(String roomId, Map<List<String>, ObjectNode> state, String creator) {
        Audience known = audiences.get(roomId);
        if (known != null && known.state() == state) {
            return known;
        }
        List<Recipient> members = new ArrayList<>();
        long joined = 0;
        for (Map.Entry<List<String>, ObjectNode> e : state.entrySet()) {
            if (!e.getKey().get(0).equals("m.room.member")) {
                continue;
            }
            JsonNode content = e.getValue().path("content");
            if (!content.path("membership").asText().equals("join")) {
                continue;
            }
            joined++;
            String userId = e.getKey().get(1);
            if (isLocal(userId)) {
                members.add(Recipient.of(userId, Optional.ofNullable(content.path("displayname").textValue())));
            }
        }
        Audience audience = new Audience(state, List.copyOf(members), joined, RoomService.levels(state, creator));
        audiences.put(roomId, audience);
        return audience;
    }
}
