package dev.mxspec.homeserver.sync;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.DeviceLists;
import dev.mxspec.homeserver.services.EventVisibility;
import dev.mxspec.homeserver.services.KeysService;
import dev.mxspec.homeserver.services.Notifier;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.services.UserStreams;
import dev.mxspec.homeserver.storage.Records.AccountData;
import dev.mxspec.homeserver.storage.Records.Presence;
import dev.mxspec.homeserver.storage.Records.ToDevice;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * {@code /sync}: the rooms a user is in, invited to or left, with their state and timelines since a
 * token, waiting up to {@code timeout} for something new. Tokens are stream positions
 * ({@code s123}); a sync reads up to the position it read first, so nothing written meanwhile is
 * lost.
 */
public final class SyncService {

    /**
     * What one sync asks for.
     *
     * @param since the token's position; empty for an initial sync
     * @param timeoutMs how long to wait for news
     * @param fullState whether to send every joined room's state
     * @param filter what to leave out
     */
    public record Request(Optional<Long> since, long timeoutMs, boolean fullState, SyncFilter filter) {

        public Request(Optional<Long> since, long timeoutMs, boolean fullState) {
            this(since, timeoutMs, fullState, SyncFilter.none());
        }

        int timelineLimit() {
            return filter.room().timelineLimit();
        }
    }

    private static final Set<String> INVITE_STATE = Set.of("m.room.create", "m.room.join_rules", "m.room.name", "m.room.avatar",
            "m.room.canonical_alias", "m.room.encryption", "m.room.topic");

    private final RoomService rooms;
    private final UserStreams streams;
    private final DeviceLists deviceLists;
    private final KeysService keys;
    private final Notifier notifier;
    private final LongSupplier clock;
    private final EventVisibility visibility;

    public SyncService(RoomService rooms, UserStreams streams, DeviceLists deviceLists, KeysService keys, Notifier notifier,
            LongSupplier clock, EventVisibility visibility) {
        this.visibility = visibility;
        this.rooms = rooms;
        this.keys = keys;
        this.deviceLists = deviceLists;
        this.streams = streams;
        this.notifier = notifier;
        this.clock = clock;
    }

    public ObjectNode sync(Caller caller, Request request) {
        long deadline = clock.getAsLong() + Math.max(0, Math.min(request.timeoutMs(), 5 * 60_000));
        while (true) {
            CompletableFuture<Void> signal = notifier.signal(caller.userId());
            long upTo = rooms.streamPosition();
            ObjectNode response = build(caller, request, upTo);
            boolean empty = response.path("rooms").path("join").isEmpty() && response.path("rooms").path("invite").isEmpty()
                    && response.path("rooms").path("leave").isEmpty() && response.path("rooms").path("knock").isEmpty() && response.path("account_data").path("events").isEmpty()
                    && response.path("presence").path("events").isEmpty() && response.path("to_device").path("events").isEmpty()
                    && !response.has("device_lists");
            long left = deadline - clock.getAsLong();
            if (!empty || request.since().isEmpty() || left <= 0 || !Notifier.await(signal, left)) {
                if (empty && request.since().isPresent()) {
                    response.put("next_batch", "s" + Math.max(upTo, request.since().get()));
                }
                return response;
            }
        }
    }

    private ObjectNode build(Caller caller, Request request, long upTo) {
        ObjectNode response = MatrixJson.mapper().createObjectNode();
        response.put("next_batch", "s" + upTo);
        ObjectNode join = MatrixJson.mapper().createObjectNode();
        ObjectNode invite = MatrixJson.mapper().createObjectNode();
        ObjectNode leave = MatrixJson.mapper().createObjectNode();
        ObjectNode knock = MatrixJson.mapper().createObjectNode();
        long since = request.since().orElse(0L);
        // all of the user's account data when it changed, or when a room is new to this sync (it gets its room's data)
        Supplier<List<AccountData>> accountDataChanges = memoized(() -> streams.accountDataSince(caller.userId(), 0, upTo));
        boolean presenceChanged = streams.presenceChangedSince(since);
        Set<String> sharing = new java.util.TreeSet<>(List.of(caller.userId()));
        for (Membership m : rooms.membershipsOf(caller.userId())) {
            if (m.streamPos() > upTo || !request.filter().room().includes(m.roomId())) {
                continue;
            }
            boolean changed = m.streamPos() > since;
            switch (m.membership()) {
                case "join" -> {
                    boolean initial = request.since().isEmpty() || changed || request.fullState();
                    ObjectNode room = joined(caller, m.roomId(), initial ? 0 : since, upTo, request, initial);
                    perRoomStreams(caller, m.roomId(), initial ? 0 : since, upTo, room, accountDataChanges, request.filter().room());
                    if (initial || !room.path("timeline").path("events").isEmpty() || !room.path("ephemeral").path("events").isEmpty()
                            || !room.path("account_data").path("events").isEmpty()) {
                        join.set(m.roomId(), room);
                    }
                    if (presenceChanged) {
                        sharing.addAll(rooms.members(m.roomId()).stream().filter(x -> x.membership().equals("join"))
                                .map(Membership::userId).toList());
                    }
                }
                case "invite" -> {
                    if ((request.since().isEmpty() || changed) && !invitedByIgnored(caller, m)) {
                        invite.set(m.roomId(), invited(m, "invite_state"));
                    }
                }
                case "knock" -> {
                    if (request.since().isEmpty() || changed) {
                        knock.set(m.roomId(), invited(m, "knock_state"));
                    }
                }
                case "leave", "ban" -> {
                    if ((request.since().isPresent() && changed) || (request.since().isEmpty() && request.filter().room().includeLeave())) {
                        leave.set(m.roomId(), left(caller, m, since, request));
                    }
                }
                default -> { }
            }
        }
        ObjectNode roomsNode = response.putObject("rooms");
        roomsNode.set("join", join);
        roomsNode.set("invite", invite);
        roomsNode.set("leave", leave);
        roomsNode.set("knock", knock);
        ArrayNode accountData = response.putObject("account_data").putArray("events");
        SyncFilter.EventFilter globalData = request.filter().accountData();
        accountDataIfChanged(caller, since, accountDataChanges).stream().filter(d -> d.roomId().isEmpty() && d.streamPos() > since)
                .filter(d -> globalData.keepsType(d.type())).limit(globalData.limit().orElse(Integer.MAX_VALUE))
                .forEach(d -> accountData.addObject().put("type", d.type()).set("content", ClientEventsJson.parse(d.content())));
        ArrayNode presence = response.putObject("presence").putArray("events");
        SyncFilter.EventFilter presenceFilter = request.filter().presence();
        List<Presence> presenceChanges = presenceChanged ? streams.presenceSince(List.copyOf(sharing), since, upTo) : List.of();
        for (Presence p : presenceChanges.stream().filter(p -> presenceFilter.keeps("m.presence", p.userId()))
                .limit(presenceFilter.limit().orElse(Integer.MAX_VALUE)).toList()) {
            ObjectNode event = presence.addObject().put("type", "m.presence").put("sender", p.userId());
            ObjectNode content = event.putObject("content").put("presence", p.presence())
                    .put("last_active_ago", Math.max(0, clock.getAsLong() - p.lastActiveTs()))
                    .put("currently_active", p.presence().equals("online"));
            p.statusMsg().ifPresent(msg -> content.put("status_msg", msg));
        }
        if (request.since().isPresent()) { // device lists only in incremental syncs, as the spec says
            DeviceLists.Update devices = deviceLists.since(caller.userId(), since, upTo);
            if (!devices.isEmpty()) {
                ObjectNode lists = response.putObject("device_lists");
                devices.changed().forEach(lists.putArray("changed")::add);
                devices.left().forEach(lists.putArray("left")::add);
            }
        }
        KeysService.Counts counts = keys.counts(caller.userId(), caller.deviceId());
        ObjectNode oneTimeKeys = response.putObject("device_one_time_keys_count");
        counts.oneTimeKeys().forEach(oneTimeKeys::put);
        counts.unusedFallbackTypes().forEach(response.putArray("device_unused_fallback_key_types")::add);
        ArrayNode toDevice = response.putObject("to_device").putArray("events");
        for (ToDevice t : streams.toDevice(caller.userId(), caller.deviceId(), since, upTo)) {
            toDevice.addObject().put("type", t.type()).put("sender", t.sender()).set("content", ClientEventsJson.parse(t.content()));
        }
        return response;
    }

    /** Invites from users the caller ignores are not sent to him (ignore_users module). */
    private boolean invitedByIgnored(Caller caller, Membership m) {
        Set<String> ignored = visibility.ignoredUsers(caller.userId());
        return !ignored.isEmpty() && rooms.event(m.eventId()).map(e -> ignored.contains(e.sender())).orElse(false);
    }

    /** All of the user's account data when any of it changed after {@code since}, else none. */
    private List<AccountData> accountDataIfChanged(Caller caller, long since, Supplier<List<AccountData>> all) {
        return streams.accountDataChangedSince(caller.userId(), since) ? all.get() : List.of();
    }

    private static <T> Supplier<T> memoized(Supplier<T> load) {
        return new Supplier<>() {
            private T value;

            @Override
            public T get() {
                if (value == null) {
                    value = load.get();
                }
                return value;
            }
        };
    }

    /** Ephemeral events and room account data; {@code since} 0 for a room new to this sync. */
    private void perRoomStreams(Caller caller, String roomId, long since, long upTo, ObjectNode room,
            Supplier<List<AccountData>> accountDataChanges, SyncFilter.RoomFilter filter) {
        ArrayNode ephemeral = room.withObjectProperty("ephemeral").putArray("events");
        if (filter.ephemeral().keepsRoom(roomId)) {
            if (filter.ephemeral().keepsType("m.typing")) {
                streams.typingEvent(roomId, since).ifPresent(ephemeral::add);
            }
            if (filter.ephemeral().keepsType("m.receipt")) {
                streams.receiptEvent(roomId, caller.userId(), since, upTo).ifPresent(ephemeral::add);
            }
        }
        ArrayNode accountData = room.withObjectProperty("account_data").putArray("events");
        if (!filter.accountData().keepsRoom(roomId)) {
            return;
        }
        (since == 0 ? accountDataChanges.get() : accountDataIfChanged(caller, since, accountDataChanges)).stream()
                .filter(d -> d.roomId().equals(roomId) && d.streamPos() > since && filter.accountData().keepsType(d.type()))
                .limit(filter.accountData().limit().orElse(Integer.MAX_VALUE))
                .forEach(d -> accountData.addObject().put("type", d.type()).set("content", ClientEventsJson.parse(d.content())));
    }

    private ObjectNode joined(Caller caller, String roomId, long since, long upTo, Request request, boolean withState) {
        int limit = request.timelineLimit();
        SyncFilter filter = request.filter();
        SyncFilter.EventFilter timelineFilter = filter.room().timeline();
        ObjectNode room = MatrixJson.mapper().createObjectNode();
        List<StoredEvent> recent = !timelineFilter.keepsRoom(roomId) || (since > 0 && !rooms.changedSince(roomId, since)) ? List.of()
                : rooms.history(roomId, since, upTo, limit + 1, true);
        boolean limited = recent.size() > limit;
        long now = clock.getAsLong();
        Set<String> senders = new java.util.HashSet<>(List.of(caller.userId()));
        Set<String> inTimeline = new java.util.HashSet<>();
        ObjectNode t = room.putObject("timeline");
        ArrayNode events = t.putArray("events");
        java.util.function.Predicate<StoredEvent> visible = recent.isEmpty() ? e -> true : visibility.viewer(caller.userId(), roomId);
        for (StoredEvent e : (limited ? recent.subList(0, limit) : recent).reversed()) {
            ObjectNode event = ClientEvents.of(e, caller.userId(), caller.deviceId(), now, false);
            if (visible.test(e) && timelineFilter.keeps(event)) {
                events.add(filter.fields(event));
                senders.add(e.sender());
                inTimeline.add(e.eventId());
            }
        }
        t.put("limited", limited);
        long first = recent.isEmpty() ? upTo : (limited ? recent.subList(0, limit) : recent).getLast().streamPos();
        t.put("prev_batch", "s" + (first - 1));
        ArrayNode state = room.putObject("state").putArray("events");
        SyncFilter.EventFilter stateFilter = filter.room().state();
        if (withState && stateFilter.keepsRoom(roomId)) {
            int kept = 0;
            for (StoredEvent e : rooms.stateEvents(roomId)) {
                boolean wanted = !stateFilter.lazyLoadMembers() || !e.type().equals("m.room.member") || senders.contains(e.stateKey().orElse(""));
                if (wanted && !inTimeline.contains(e.eventId()) && e.streamPos() <= upTo && kept < stateFilter.limit().orElse(Integer.MAX_VALUE)) {
                    ObjectNode event = ClientEvents.of(e, caller.userId(), caller.deviceId(), now, false);
                    if (stateFilter.keeps(event)) {
                        state.add(filter.fields(event));
                        kept++;
                    }
                }
            }
        }
        room.putObject("unread_notifications").put("highlight_count", 0).put("notification_count", 0);
        return room;
    }

    private ObjectNode invited(Membership m, String section) {
        ObjectNode room = MatrixJson.mapper().createObjectNode();
        ArrayNode events = room.putObject(section).putArray("events");
        for (StoredEvent e : rooms.stateEvents(m.roomId())) {
            if (INVITE_STATE.contains(e.type()) || e.eventId().equals(m.eventId())) {
                events.add(ClientEvents.stripped(e));
            }
        }
        return room;
    }

    private ObjectNode left(Caller caller, Membership m, long since, Request request) {
        ObjectNode room = MatrixJson.mapper().createObjectNode();
        SyncFilter.EventFilter timelineFilter = request.filter().room().timeline();
        List<StoredEvent> recent = timelineFilter.keepsRoom(m.roomId())
                ? rooms.history(m.roomId(), since, m.streamPos(), request.timelineLimit(), true).reversed() : List.of();
        ArrayNode events = room.putObject("timeline").putArray("events");
        long now = clock.getAsLong();
        java.util.function.Predicate<StoredEvent> visible = visibility.viewer(caller.userId(), m.roomId());
        for (StoredEvent e : recent) {
            ObjectNode event = ClientEvents.of(e, caller.userId(), caller.deviceId(), now, false);
            if (visible.test(e) && timelineFilter.keeps(event)) {
                events.add(request.filter().fields(event));
            }
        }
        room.putObject("state").putArray("events");
        return room;
    }


}
