package dev.mxspec.homeserver.sync;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.Notifier;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * {@code /sync}: the rooms a user is in, invited to or left, with their state and timelines since a
 * token, waiting up to {@code timeout} for something new. Tokens are stream positions
 * ({@code s123}); a sync reads up to the position it read first, so nothing written meanwhile is
 * lost.
 */
public final class SyncService {

    /** What one sync asks for. */
    public record Request(Optional<Long> since, long timeoutMs, boolean fullState, int timelineLimit) {}

    private static final Set<String> INVITE_STATE = Set.of("m.room.create", "m.room.join_rules", "m.room.name", "m.room.avatar",
            "m.room.canonical_alias", "m.room.encryption", "m.room.topic");

    private final RoomService rooms;
    private final Notifier notifier;
    private final LongSupplier clock;

    public SyncService(RoomService rooms, Notifier notifier, LongSupplier clock) {
        this.rooms = rooms;
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
                    && response.path("rooms").path("leave").isEmpty();
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
        long since = request.since().orElse(0L);
        for (Membership m : rooms.membershipsOf(caller.userId())) {
            if (m.streamPos() > upTo) {
                continue;
            }
            boolean changed = m.streamPos() > since;
            switch (m.membership()) {
                case "join" -> {
                    boolean initial = request.since().isEmpty() || changed || request.fullState();
                    ObjectNode room = joined(caller, m.roomId(), initial ? 0 : since, upTo, request.timelineLimit(), initial);
                    if (initial || !room.path("timeline").path("events").isEmpty()) {
                        join.set(m.roomId(), room);
                    }
                }
                case "invite" -> {
                    if (request.since().isEmpty() || changed) {
                        invite.set(m.roomId(), invited(m));
                    }
                }
                case "leave", "ban" -> {
                    if (request.since().isPresent() && changed) {
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
        return response;
    }

    private ObjectNode joined(Caller caller, String roomId, long since, long upTo, int limit, boolean withState) {
        ObjectNode room = MatrixJson.mapper().createObjectNode();
        List<StoredEvent> recent = rooms.history(roomId, since, upTo, limit + 1, true);
        boolean limited = recent.size() > limit;
        List<StoredEvent> timeline = (limited ? recent.subList(0, limit) : recent).reversed();
        ObjectNode t = room.putObject("timeline");
        ArrayNode events = t.putArray("events");
        long now = clock.getAsLong();
        timeline.forEach(e -> events.add(ClientEvents.of(e, caller.userId(), caller.deviceId(), now, false)));
        t.put("limited", limited);
        long first = timeline.isEmpty() ? upTo : timeline.getFirst().streamPos();
        t.put("prev_batch", "s" + (first - 1));
        ArrayNode state = room.putObject("state").putArray("events");
        if (withState) {
            Set<String> inTimeline = new java.util.HashSet<>();
            timeline.forEach(e -> inTimeline.add(e.eventId()));
            for (StoredEvent e : rooms.stateEvents(roomId)) {
                if (!inTimeline.contains(e.eventId()) && e.streamPos() <= upTo) {
                    state.add(ClientEvents.of(e, caller.userId(), caller.deviceId(), now, false));
                }
            }
        }
        room.putObject("ephemeral").putArray("events");
        room.putObject("account_data").putArray("events");
        room.putObject("unread_notifications").put("highlight_count", 0).put("notification_count", 0);
        return room;
    }

    private ObjectNode invited(Membership m) {
        ObjectNode room = MatrixJson.mapper().createObjectNode();
        ArrayNode events = room.putObject("invite_state").putArray("events");
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
