package dev.mxspec.homeserver.sync;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.DeviceLists;
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
     * @param lazyLoadMembers only the member events of the timeline's senders in {@code state} (filter
     *     {@code room.state.lazy_load_members})
     * @param types event types the timeline keeps, empty for all ({@code room.timeline.types})
     * @param notTypes event types the timeline leaves out ({@code room.timeline.not_types})
     * @param rooms the only rooms to include, when given ({@code room.rooms})
     * @param notRooms rooms to leave out, whatever {@code rooms} says ({@code room.not_rooms})
     * @param senders the only senders whose events the timeline keeps, when given ({@code room.timeline.senders})
     * @param notSenders senders whose events the timeline leaves out ({@code room.timeline.not_senders})
     * @param includeLeave whether an initial sync lists the rooms the user left or was banned from ({@code room.include_leave})
     */
    public record Request(Optional<Long> since, long timeoutMs, boolean fullState, int timelineLimit, boolean lazyLoadMembers,
            List<String> types, List<String> notTypes, Optional<List<String>> rooms, List<String> notRooms,
            Optional<List<String>> senders, List<String> notSenders, boolean includeLeave) {

        public Request(Optional<Long> since, long timeoutMs, boolean fullState, int timelineLimit) {
            this(since, timeoutMs, fullState, timelineLimit, false, List.of(), List.of(), Optional.empty(), List.of(), Optional.empty(),
                    List.of(), false);
        }

        boolean keeps(StoredEvent event) {
            String type = event.type();
            return (types.isEmpty() || types.stream().anyMatch(t -> matches(t, type))) && notTypes.stream().noneMatch(t -> matches(t, type))
                    && senders.map(s -> s.contains(event.sender())).orElse(true) && !notSenders.contains(event.sender());
        }

        boolean includesRoom(String roomId) {
            return rooms.map(r -> r.contains(roomId)).orElse(true) && !notRooms.contains(roomId);
        }

        /** Filter type patterns may end with {@code *}. */
        private static boolean matches(String pattern, String type) {
            return pattern.endsWith("*") ? type.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(type);
        }
    }

    private static final Set<String> INVITE_STATE = Set.of("m.room.create", "m.room.join_rules", "m.room.name", "m.room.avatar",
            "m.room.canonical_alias", "m.room.encryption", "m.room.topic");

    private final RoomService rooms;
    private final UserStreams streams;
    private final DeviceLists deviceLists;
    private final Notifier notifier;
    private final LongSupplier clock;

    public SyncService(RoomService rooms, UserStreams streams, DeviceLists deviceLists, Notifier notifier, LongSupplier clock) {
        this.rooms = rooms;
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
            if (m.streamPos() > upTo || !request.includesRoom(m.roomId())) {
                continue;
            }
            boolean changed = m.streamPos() > since;
            switch (m.membership()) {
                case "join" -> {
                    boolean initial = request.since().isEmpty() || changed || request.fullState();
                    ObjectNode room = joined(caller, m.roomId(), initial ? 0 : since, upTo, request, initial);
                    perRoomStreams(caller, m.roomId(), initial ? 0 : since, upTo, room, accountDataChanges);
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
                    if (request.since().isEmpty() || changed) {
                        invite.set(m.roomId(), invited(m, "invite_state"));
                    }
                }
                case "knock" -> {
                    if (request.since().isEmpty() || changed) {
                        knock.set(m.roomId(), invited(m, "knock_state"));
                    }
                }
                case "leave", "ban" -> {
                    if ((request.since().isPresent() && changed) || (request.since().isEmpty() && request.includeLeave())) {
                        leave.set(m.roomId(), left(caller, m, since, request.timelineLimit()));
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
        globalChanges(caller, since, accountDataChanges).stream().filter(d -> d.roomId().isEmpty() && d.streamPos() > since)
                .forEach(d -> accountData.addObject().put("type", d.type()).set("content", ClientEventsJson.parse(d.content())));
        ArrayNode presence = response.putObject("presence").putArray("events");
        for (Presence p : presenceChanged ? streams.presenceSince(List.copyOf(sharing), since, upTo) : List.<Presence>of()) {
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
        ArrayNode toDevice = response.putObject("to_device").putArray("events");
        for (ToDevice t : streams.toDevice(caller.userId(), caller.deviceId(), since, upTo)) {
            toDevice.addObject().put("type", t.type()).put("sender", t.sender()).set("content", ClientEventsJson.parse(t.content()));
        }
        return response;
    }

    private List<AccountData> globalChanges(Caller caller, long since, Supplier<List<AccountData>> all) {
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
            Supplier<List<AccountData>> accountDataChanges) {
        ArrayNode ephemeral = room.withObjectProperty("ephemeral").putArray("events");
        streams.typingEvent(roomId, since).ifPresent(ephemeral::add);
        streams.receiptEvent(roomId, caller.userId(), since, upTo).ifPresent(ephemeral::add);
        ArrayNode accountData = room.withObjectProperty("account_data").putArray("events");
        (since == 0 ? accountDataChanges.get() : globalChanges(caller, since, accountDataChanges)).stream()
                .filter(d -> d.roomId().equals(roomId) && d.streamPos() > since)
                .forEach(d -> accountData.addObject().put("type", d.type()).set("content", ClientEventsJson.parse(d.content())));
    }

    private ObjectNode joined(Caller caller, String roomId, long since, long upTo, Request request, boolean withState) {
        int limit = request.timelineLimit();
        ObjectNode room = MatrixJson.mapper().createObjectNode();
        List<StoredEvent> recent = since > 0 && !rooms.changedSince(roomId, since) ? List.of() : rooms.history(roomId, since, upTo, limit + 1, true);
        boolean limited = recent.size() > limit;
        List<StoredEvent> timeline = (limited ? recent.subList(0, limit) : recent).reversed().stream()
                .filter(request::keeps).toList();
        Set<String> senders = new java.util.HashSet<>(List.of(caller.userId()));
        timeline.forEach(e -> senders.add(e.sender()));
        ObjectNode t = room.putObject("timeline");
        ArrayNode events = t.putArray("events");
        long now = clock.getAsLong();
        timeline.forEach(e -> events.add(ClientEvents.of(e, caller.userId(), caller.deviceId(), now, false)));
        t.put("limited", limited);
        long first = recent.isEmpty() ? upTo : (limited ? recent.subList(0, limit) : recent).getLast().streamPos();
        t.put("prev_batch", "s" + (first - 1));
        ArrayNode state = room.putObject("state").putArray("events");
        if (withState) {
            Set<String> inTimeline = new java.util.HashSet<>();
            timeline.forEach(e -> inTimeline.add(e.eventId()));
            for (StoredEvent e : rooms.stateEvents(roomId)) {
                boolean wanted = !request.lazyLoadMembers() || !e.type().equals("m.room.member") || senders.contains(e.stateKey().orElse(""));
                if (wanted && !inTimeline.contains(e.eventId()) && e.streamPos() <= upTo) {
                    state.add(ClientEvents.of(e, caller.userId(), caller.deviceId(), now, false));
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

    private ObjectNode left(Caller caller, Membership m, long since, int limit) {
        ObjectNode room = MatrixJson.mapper().createObjectNode();
        List<StoredEvent> recent = rooms.history(m.roomId(), since, m.streamPos(), limit, true).reversed();
        ArrayNode events = room.putObject("timeline").putArray("events");
        long now = clock.getAsLong();
        recent.forEach(e -> events.add(ClientEvents.of(e, caller.userId(), caller.deviceId(), now, false)));
        room.putObject("state").putArray("events");
        return room;
    }

}
