package dev.mxspec.homeserver.sync;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.EventVisibility;
import dev.mxspec.homeserver.services.Notifications;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.Records.UnreadCounts;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A joined room in a sync: its timeline, the state the client lacks at the timeline's start,
 * and its summary.
 *
 * <ul>
 *   <li>Full state (an initial sync, a room joined anew, {@code full_state}): the whole state at
 *       the start of the timeline.
 *   <li>Incremental: the state delta of the gap (the state at the timeline's start of every key
 *       that changed after {@code since}), member events included, whether lazy-loaded or not.
 *   <li>Lazy-loaded members: only the member events of the timeline's senders and of the summary's
 *       heroes (and the user's own, with full state), each left out when the device already has
 *       it ({@link LazyMembers}), unless the filter asks for {@code include_redundant_members}.
 *   <li>The summary ({@code m.heroes}, joined and invited counts) with full state and whenever a
 *       membership of the room changed in the sync's window; heroes only for rooms without a
 *       name or canonical alias: up to 5 joined or invited members other than the user, by the
 *       stream order of their membership (left and banned ones when there are none), as the spec
 *       says.
 *   <li>Unread notification counts ({@link Notifications}): for the whole room, or with the
 *       timeline filter's {@code unread_thread_notifications}, for the main timeline and per thread.
 * </ul>
 */
final class JoinedRoom {

    static final int HEROES = 5;

    /**
     * What one room's part of a sync covers.
     *
     * @param since the sync's {@code since} (0 for an initial sync)
     * @param timelineAfter where the timeline starts from (0 when the client has nothing of the room)
     * @param upTo the sync's position
     * @param fullState whether to send all state at the timeline's start
     */
    record Window(long since, long timelineAfter, long upTo, boolean fullState) {}

    private final RoomService rooms;
    private final RoomTimeline timelines;
    private final RoomStates states;
    private final LazyMembers lazyMembers = new LazyMembers();
    private final Notifications notifications;

    JoinedRoom(RoomService rooms, EventVisibility visibility, Notifications notifications) {
        this.rooms = rooms;
        this.notifications = notifications;
        this.timelines = new RoomTimeline(rooms, visibility);
        this.states = new RoomStates(rooms);
    }

    RoomTimeline timelines() {
        return timelines;
    }

    RoomStates states() {
        return states;
    }

    ObjectNode build(Caller caller, String roomId, SyncFilter filter, Window w, long now) {
        ObjectNode room = MatrixJson.mapper().createObjectNode();
        boolean changed = w.fullState() || rooms.changedSince(roomId, w.since());
        RoomTimeline.Timeline timeline = changed ? timelines.load(caller, roomId, w.timelineAfter(), w.upTo(), filter, now)
                : new RoomTimeline.Timeline(List.of(), false, w.upTo(), false);
        Map<List<String>, StoredEvent> stateAtStart = null; // read only when needed
        Optional<ObjectNode> summary = Optional.empty();
        if (w.fullState() || membersChanged(roomId, w, timeline, filter)) {
            List<StoredEvent> current = rooms.stateEvents(roomId);
            stateAtStart = states.at(current, timeline.start());
            summary = Optional.of(summary(caller, roomId, states.at(current, w.upTo())));
        }
        SyncFilter.EventFilter stateFilter = filter.room().state();
        Map<List<String>, StoredEvent> state = new LinkedHashMap<>();
        Map<String, String> membersSent = new HashMap<>();
        if (stateFilter.keepsRoom(roomId)) {
            boolean lazy = stateFilter.lazyLoadMembers();
            Set<String> wanted = new LinkedHashSet<>();
            timeline.events().forEach(s -> wanted.add(s.event().sender()));
            summary.ifPresent(s -> s.path("m.heroes").forEach(h -> wanted.add(h.asText())));
            if (w.fullState()) {
                wanted.add(caller.userId());
            }
            if (w.fullState() || timeline.gap()) {
                if (stateAtStart == null) {
                    stateAtStart = states.at(roomId, timeline.start());
                }
                for (StoredEvent e : stateAtStart.values()) {
                    boolean member = e.type().equals("m.room.member");
                    if (w.fullState() ? !lazy || !member || wanted.contains(e.stateKey().orElse("")) : e.streamPos() > w.since()) {
                        state.put(key(e), e); // with full state, what is wanted; else every change of the gap
                    }
                }
            }
            if (lazy) {
                for (String member : wanted) {
                    if (state.containsKey(List.of("m.room.member", member))) {
                        continue;
                    }
                    Optional<String> id = states.memberEventIdAt(roomId, member, timeline.start());
                    if (id.isPresent() && (w.fullState() || stateFilter.includeRedundantMembers()
                            || !lazyMembers.known(caller, roomId, member, id.get(), w.since()))) {
                        rooms.event(id.get()).ifPresent(e -> state.put(key(e), e));
                    }
                }
            }
        }
        ObjectNode t = room.putObject("timeline");
        ArrayNode events = t.putArray("events");
        for (RoomTimeline.Served s : timeline.events()) {
            events.add(filter.fields(s.json()));
            if (s.event().type().equals("m.room.member")) {
                membersSent.put(s.event().stateKey().orElse(""), s.event().eventId());
            }
        }
        t.put("limited", timeline.limited());
        t.put("prev_batch", "s" + timeline.start());
        ArrayNode stateEvents = room.putObject("state").putArray("events");
        int kept = 0;
        for (StoredEvent e : state.values()) {
            ObjectNode json = EventFormat.of(e, caller, now, filter.federationFormat());
            if (kept < stateFilter.limit().orElse(Integer.MAX_VALUE) && stateFilter.keeps(json)) {
                stateEvents.add(filter.fields(json));
                kept++;
                if (e.type().equals("m.room.member")) {
                    membersSent.putIfAbsent(e.stateKey().orElse(""), e.eventId());
                }
            }
        }
        if (stateFilter.lazyLoadMembers()) {
            lazyMembers.sent(caller, roomId, membersSent, w.upTo());
        }
        summary.ifPresent(s -> room.set("summary", s));
        boolean perThread = filter.room().timeline().unreadThreadNotifications();
        Notifications.Unread unread = notifications.unread(caller.userId(), roomId, w.upTo(), perThread);
        counts(room.putObject("unread_notifications"), unread.room());
        if (perThread) {
            ObjectNode threads = room.putObject("unread_thread_notifications");
            unread.threads().forEach((root, c) -> counts(threads.putObject(root), c));
        }
        return room;
    }

    private static void counts(ObjectNode out, UnreadCounts counts) {
        out.put("highlight_count", counts.highlights()).put("notification_count", counts.notifications());
    }

    /** Whether anything of the room is worth sending in an incremental sync. */
    static boolean hasNews(ObjectNode room) {
        return !room.path("timeline").path("events").isEmpty() || !room.path("state").path("events").isEmpty() || room.has("summary")
                || !room.path("ephemeral").path("events").isEmpty() || !room.path("account_data").path("events").isEmpty();
    }

    /**
     * Whether a membership of the room changed in the window: seen in a complete timeline without
     * looking further; the room's members are looked through only when the timeline may lack it.
     */
    private boolean membersChanged(String roomId, Window w, RoomTimeline.Timeline timeline, SyncFilter filter) {
        if (!rooms.changedSince(roomId, w.since())) {
            return false; // every membership change is an event of the room
        }
        if (timeline.events().stream().anyMatch(s -> s.event().type().equals("m.room.member"))) {
            return true;
        }
        if (!timeline.gap() && !filter.room().timeline().restricts() && filter.room().timeline().keepsRoom(roomId)) {
            return false; // every event of the window is in the timeline
        }
        return rooms.members(roomId).stream().anyMatch(m -> m.streamPos() > w.since() && m.streamPos() <= w.upTo());
    }

    private ObjectNode summary(Caller caller, String roomId, Map<List<String>, StoredEvent> state) {
        List<Membership> members = rooms.members(roomId);
        ObjectNode summary = MatrixJson.mapper().createObjectNode();
        if (!named(state)) {
            List<Membership> others = members.stream().filter(m -> !m.userId().equals(caller.userId()))
                    .sorted(Comparator.comparingLong(Membership::streamPos)).toList();
            List<Membership> present = others.stream().filter(m -> m.membership().equals("join") || m.membership().equals("invite")).toList();
            List<Membership> heroes = present.isEmpty()
                    ? others.stream().filter(m -> m.membership().equals("leave") || m.membership().equals("ban")).toList()
                    : present;
            ArrayNode list = summary.putArray("m.heroes");
            heroes.stream().limit(HEROES).forEach(m -> list.add(m.userId()));
        }
        summary.put("m.joined_member_count", members.stream().filter(m -> m.membership().equals("join")).count());
        summary.put("m.invited_member_count", members.stream().filter(m -> m.membership().equals("invite")).count());
        return summary;
    }

    /** Whether the room has a non-empty name or canonical alias. */
    private static boolean named(Map<List<String>, StoredEvent> state) {
        StoredEvent name = state.get(List.of("m.room.name", ""));
        StoredEvent alias = state.get(List.of("m.room.canonical_alias", ""));
        return name != null && !ClientEvents.parse(name.json()).path("content").path("name").asText("").isEmpty()
                || alias != null && !ClientEvents.parse(alias.json()).path("content").path("alias").asText("").isEmpty();
    }

    private static List<String> key(StoredEvent e) {
        return List.of(e.type(), e.stateKey().orElse(""));
    }
}
