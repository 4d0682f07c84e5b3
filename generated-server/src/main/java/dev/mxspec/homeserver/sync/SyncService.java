package dev.mxspec.homeserver.sync;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.DeviceLists;
import dev.mxspec.homeserver.services.EventVisibility;
import dev.mxspec.homeserver.services.KeysService;
import dev.mxspec.homeserver.services.Notifications;
import dev.mxspec.homeserver.services.Notifier;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.services.UserStreams;
import dev.mxspec.homeserver.storage.Records.AccountData;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.Records.ToDevice;
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
    }

    private final RoomService rooms;
    private final UserStreams streams;
    private final DeviceLists deviceLists;
    private final KeysService keys;
    private final Notifier notifier;
    private final LongSupplier clock;
    private final EventVisibility visibility;
    private final JoinedRoom joinedRooms;
    private final PresenceSection presence;

    public SyncService(RoomService rooms, UserStreams streams, DeviceLists deviceLists, KeysService keys, Notifier notifier,
            LongSupplier clock, EventVisibility visibility, Notifications notifications) {
        this.visibility = visibility;
        this.rooms = rooms;
        this.keys = keys;
        this.deviceLists = deviceLists;
        this.streams = streams;
        this.notifier = notifier;
        this.clock = clock;
        this.joinedRooms = new JoinedRoom(rooms, visibility, notifications);
        this.presence = new PresenceSection(streams, rooms::streamPosition, clock);
    }

    /** {@code set_presence} of a sync ({@link PresenceSection#onSync}). */
    public void presenceOnSync(String userId, String setPresence) {
        presence.onSync(userId, setPresence);
    }

    public ObjectNode sync(Caller caller, Request request) {
        long deadline = clock.getAsLong() + Math.max(0, Math.min(request.timeoutMs(), 5 * 60_000));
        while (true) {
            CompletableFuture<Void> signal = notifier.signal(caller.userId());
            // more to-device messages than one sync delivers: the sync reaches only as far as the last one delivered
            long now = rooms.streamPosition();
            UserStreams.ToDeviceBatch toDevice = caller.device().isPresent() // an application service's request has no inbox
                    ? streams.toDevice(caller.userId(), caller.deviceId(), request.since().orElse(0L), now)
                    : new UserStreams.ToDeviceBatch(List.of(), now);
            long upTo = toDevice.upTo();
            ObjectNode response = build(caller, request, upTo, toDevice.messages());
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

    private ObjectNode build(Caller caller, Request request, long upTo, List<ToDevice> toDeviceMessages) {
        ObjectNode response = MatrixJson.mapper().createObjectNode();
        response.put("next_batch", "s" + upTo);
        ObjectNode join = MatrixJson.mapper().createObjectNode();
        ObjectNode invite = MatrixJson.mapper().createObjectNode();
        ObjectNode leave = MatrixJson.mapper().createObjectNode();
        ObjectNode knock = MatrixJson.mapper().createObjectNode();
        long since = request.since().orElse(0L);
        // all of the user's account data when it changed, or when a room is new to this sync (it gets its room's data)
        Supplier<List<AccountData>> accountDataChanges = memoized(() -> streams.accountDataSince(caller.userId(), 0, upTo));
        boolean initial = request.since().isEmpty();
        boolean presenceNeedsSharing = presence.needsSharing(since, initial);
        PresenceSection.Audience audience = new PresenceSection.Audience();
        audience.sharing.add(caller.userId());
        long now = clock.getAsLong();
        for (Membership m : rooms.membershipsOf(caller.userId())) {
            if (m.streamPos() > upTo || !request.filter().room().includes(m.roomId())) {
                continue;
            }
            boolean changed = m.streamPos() > since;
            switch (m.membership()) {
                case "join" -> {
                    boolean anew = request.since().isEmpty() || (changed && joinedAnew(m, since));
                    JoinedRoom.Window window = new JoinedRoom.Window(since, anew ? 0 : since, upTo, anew || request.fullState());
                    ObjectNode room = joinedRooms.build(caller, m.roomId(), request.filter(), window, now);
                    perRoomStreams(caller, m.roomId(), anew ? 0 : since, upTo, room, accountDataChanges, request.filter().room());
                    if (window.fullState() || JoinedRoom.hasNews(room)) {
                        join.set(m.roomId(), room);
                    }
                    if (presenceNeedsSharing) {
                        rooms.members(m.roomId()).stream().filter(x -> x.membership().equals("join"))
                                .forEach(x -> audience.sharing.add(x.userId()));
                    }
                    if (!initial && (anew || room.has("summary"))) { // members changed: who newly shares a room
                        rooms.members(m.roomId()).stream().filter(x -> x.membership().equals("join") && (anew || x.streamPos() > since))
                                .forEach(x -> audience.appeared.add(x.userId()));
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
                            leave.set(m.roomId(), left(caller, m, since, request, now));
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
                .forEach(d -> accountData.addObject().put("type", d.type()).set("content", ClientEvents.parse(d.content())));
        presence.write(response.putObject("presence").putArray("events"), audience, presenceNeedsSharing, since, upTo,
                request.filter().presence());
        if (request.since().isPresent()) { // device lists only in incremental syncs, as the spec says
            DeviceLists.Update devices = deviceLists.since(caller.userId(), since, upTo);
            if (!devices.isEmpty()) {
                ObjectNode lists = response.putObject("device_lists");
                devices.changed().forEach(lists.putArray("changed")::add);
                devices.left().forEach(lists.putArray("left")::add);
            }
        }
        ObjectNode oneTimeKeys = response.putObject("device_one_time_keys_count");
        ArrayNode toDevice = response.putObject("to_device").putArray("events");
        if (caller.device().isEmpty()) { // an application service's request: no device, so no keys and no to-device inbox
            return response;
        }
        KeysService.Counts counts = keys.counts(caller.userId(), caller.deviceId());
        counts.oneTimeKeys().forEach(oneTimeKeys::put);
        counts.unusedFallbackTypes().forEach(response.putArray("device_unused_fallback_key_types")::add);
        for (ToDevice t : toDeviceMessages) {
            toDevice.addObject().put("type", t.type()).put("sender", t.sender()).set("content", ClientEvents.parse(t.content()));
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
                .forEach(d -> accountData.addObject().put("type", d.type()).set("content", ClientEvents.parse(d.content())));
    }

    /**
     * Whether the user's join (after {@code since}) makes the room new to the client: the user was
     * not joined at {@code since}, or left (was kicked, banned) and joined again since then. The
     * client then gets the room's whole state, as for a room it never saw.
     */
    private boolean joinedAnew(Membership m, long since) {
        Optional<StoredEvent> e = rooms.event(m.eventId());
        while (e.isPresent()) {
            Optional<StoredEvent> before = joinedRooms.states().replaced(e.get());
            if (before.isEmpty() || !RoomStates.membership(before.get()).equals("join")) {
                return true;
            }
            if (before.get().streamPos() <= since) {
                return false;
            }
            e = before;
        }
        return true;
    }

    private ObjectNode invited(Membership m, String section) {
        ObjectNode room = MatrixJson.mapper().createObjectNode();
        ArrayNode events = room.putObject(section).putArray("events");
        List<StoredEvent> state = rooms.stateEvents(m.roomId());
        if (state.stream().noneMatch(e -> e.eventId().equals(m.eventId()))) { // known by the invite alone, or its state here is stale
            rooms.outsideInviteState(m.eventId()).forEach(events::add);
            return room;
        }
        for (StoredEvent e : state) {
            if (RoomService.INVITE_STATE.contains(e.type()) || e.eventId().equals(m.eventId())) {
                events.add(ClientEvents.stripped(e));
            }
        }
        return room;
    }

    private ObjectNode left(Caller caller, Membership m, long since, Request request, long now) {
        ObjectNode room = MatrixJson.mapper().createObjectNode();
        RoomTimeline.Timeline timeline = joinedRooms.timelines().load(caller, m.roomId(), since, m.streamPos(), request.filter(), now);
        ObjectNode t = room.putObject("timeline");
        ArrayNode events = t.putArray("events");
        timeline.events().forEach(e -> events.add(request.filter().fields(e.json())));
        t.put("limited", timeline.limited());
        t.put("prev_batch", "s" + timeline.start());
        room.putObject("state").putArray("events");
        return room;
    }
}
