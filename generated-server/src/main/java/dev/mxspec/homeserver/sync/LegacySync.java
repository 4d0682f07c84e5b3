package dev.mxspec.homeserver.sync;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.homeserver.services.Notifier;
import dev.mxspec.homeserver.services.RoomReads;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.services.UserStreams;
import dev.mxspec.homeserver.storage.Records.AccountData;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.Presence;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The deprecated ways to sync, still in v1.7 and served: the event stream ({@code GET /events}, also peeking into one
 * room with {@code room_id}), {@code GET /initialSync} and {@code GET /rooms/{roomId}/initialSync}. They read the same
 * rooms, with the same history visibility, as {@code /sync}; tokens are {@code /sync}'s stream positions.
 */
public final class LegacySync {

    /** Events per {@code /events} answer at most; the {@code end} token then stops at the last one given. */
    public static final int MAX_EVENTS = 100;
    /** How often a peeker, whom no room event wakes, looks again while he waits. */
    private static final long PEEK_POLL_MS = 500;

    private final RoomService rooms;
    private final RoomReads reads;
    private final UserStreams streams;
    private final Notifier notifier;
    private final LongSupplier clock;

    public LegacySync(RoomService rooms, RoomReads reads, UserStreams streams, Notifier notifier, LongSupplier clock) {
        this.rooms = rooms;
        this.reads = reads;
        this.streams = streams;
        this.notifier = notifier;
        this.clock = clock;
    }

    /** A page of the event stream: events after {@code start} up to {@code end}. */
    public record Chunk(long start, long end, List<ObjectNode> events) {}

    /**
     * The events after {@code from} (now when absent) in the user's rooms, or in {@code peekRoom} only; waits up to
     * {@code timeoutMs} for one when there are none.
     */
    public Chunk events(Caller caller, Optional<Long> from, long timeoutMs, Optional<String> peekRoom) {
        peekRoom.ifPresent(room -> reads.view(caller.userId(), room)); // 403/404 before waiting
        long since = from.orElseGet(rooms::streamPosition);
        long deadline = clock.getAsLong() + Math.max(0, Math.min(timeoutMs, 5 * 60_000));
        while (true) {
            CompletableFuture<Void> signal = notifier.signal(caller.userId());
            long upTo = rooms.streamPosition();
            Chunk chunk = chunk(caller, since, upTo, peekRoom);
            long left = deadline - clock.getAsLong();
            if (!chunk.events().isEmpty() || left <= 0) {
                return chunk;
            }
            Notifier.await(signal, peekRoom.isPresent() ? Math.min(left, PEEK_POLL_MS) : left);
        }
    }

    private Chunk chunk(Caller caller, long since, long upTo, Optional<String> peekRoom) {
        List<StoredEvent> found = new ArrayList<>();
        long end = upTo;
        List<String> roomIds = new ArrayList<>();
        Set<String> ignored = reads.visibility().ignoredUsers(caller.userId());
        if (peekRoom.isPresent()) {
            roomIds.add(peekRoom.get());
        } else {
            for (Membership m : rooms.membershipsOf(caller.userId())) {
                if (m.membership().equals("join") || m.streamPos() > since) {
                    roomIds.add(m.roomId());
                }
                if (m.membership().equals("invite") && m.streamPos() > since && m.streamPos() <= upTo) {
                    // the invite, though the room is not his to read; not one from a user he ignores (ignore_users module)
                    rooms.event(m.eventId()).filter(e -> !ignored.contains(e.sender())).ifPresent(found::add);
                }
            }
        }
        for (String roomId : roomIds) {
            RoomReads.View view;
            try {
                view = reads.view(caller.userId(), roomId);
            } catch (MatrixException notVisible) {
                continue;
            }
            RoomReads.Page page = reads.history(view, since, upTo, MAX_EVENTS, false);
            found.addAll(page.events());
            if (page.next().isPresent()) {
                end = Math.min(end, page.next().get());
            }
        }
        long cut = end;
        List<StoredEvent> ordered = found.stream().filter(e -> e.streamPos() <= cut).sorted(Comparator.comparingLong(StoredEvent::streamPos))
                .distinct().toList();
        if (ordered.size() > MAX_EVENTS) {
            ordered = ordered.subList(0, MAX_EVENTS);
            end = ordered.getLast().streamPos();
        }
        long now = clock.getAsLong();
        List<ObjectNode> events = new ArrayList<>();
        for (StoredEvent e : ordered) {
            events.add(ClientEvents.of(e, caller.userId(), caller.transactionScope(), now, true));
        }
        return new Chunk(since, Math.max(end, since), events);
    }

    /** {@code GET /initialSync}: every room of the user with its latest {@code limit} events and its state. */
    public ObjectNode initialSync(Caller caller, int limit, boolean archived) {
        long upTo = rooms.streamPosition();
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        out.put("end", "s" + upTo);
        ArrayNode list = out.putArray("rooms");
        Set<String> ignored = reads.visibility().ignoredUsers(caller.userId());
        for (Membership m : rooms.membershipsOf(caller.userId())) {
            if (m.streamPos() > upTo) {
                continue;
            }
            if (m.membership().equals("invite") && rooms.event(m.eventId()).map(e -> ignored.contains(e.sender())).orElse(false)) {
                continue; // invites from users he ignores are not sent to him (ignore_users module)
            }
            switch (m.membership()) {
                case "join" -> {
                    list.add(room(caller, m.roomId(), Optional.of("join"), limit, upTo));
                }
                case "invite" -> {
                    ObjectNode invited = list.addObject().put("room_id", m.roomId()).put("membership", "invite");
                    rooms.event(m.eventId()).ifPresent(e -> invited.set("invite",
                            ClientEvents.of(e, caller.userId(), caller.transactionScope(), clock.getAsLong(), true)));
                }
                case "leave", "ban" -> {
                    if (archived) {
                        try {
                            list.add(room(caller, m.roomId(), Optional.of(m.membership()), limit, upTo));
                        } catch (MatrixException unreadable) {
                            list.addObject().put("room_id", m.roomId()).put("membership", m.membership());
                        }
                    }
                }
                default -> {
                    // knocks are not part of this old API
                }
            }
        }
        // v1.7 types these as room events (with a room ID, which presence has not): the list stays empty, and
        // GET /presence/{userId}/status or /sync give presence
        out.putArray("presence");
        ArrayNode accountData = out.putArray("account_data");
        for (AccountData d : streams.accountDataSince(caller.userId(), 0, upTo)) {
            if (d.roomId().isEmpty()) {
                accountData.addObject().put("type", d.type()).set("content", ClientEvents.parse(d.content()));
            }
        }
        return out;
    }

    /**
     * {@code GET /rooms/{roomId}/initialSync}: one room as {@link #initialSync} gives it, with its members' presence; a
     * world-readable room also to a user who is not in it (without a membership).
     */
    public ObjectNode roomInitialSync(Caller caller, String roomId, int limit) {
        long upTo = rooms.streamPosition();
        Optional<String> membership = rooms.membership(roomId, caller.userId()).filter(m -> !m.equals("invite") && !m.equals("knock"));
        ObjectNode room = room(caller, roomId, membership, limit, upTo);
        List<String> members = rooms.members(roomId).stream().filter(x -> x.membership().equals("join")).map(Membership::userId).toList();
        room.set("presence", presence(members, upTo));
        return room;
    }

    private ObjectNode room(Caller caller, String roomId, Optional<String> membership, int limit, long upTo) {
        RoomReads.View view = reads.view(caller.userId(), roomId);
        ObjectNode room = MatrixJson.mapper().createObjectNode().put("room_id", roomId);
        membership.ifPresent(m -> room.put("membership", m));
        long now = clock.getAsLong();
        RoomReads.Page page = reads.historyBefore(view, Math.min(upTo, view.upTo()), limit);
        ObjectNode messages = room.putObject("messages");
        ArrayNode chunk = messages.putArray("chunk");
        List<StoredEvent> newestFirst = page.events();
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            chunk.add(ClientEvents.of(newestFirst.get(i), caller.userId(), caller.transactionScope(), now, true));
        }
        long oldest = newestFirst.isEmpty() ? Math.min(upTo, view.upTo()) : newestFirst.getLast().streamPos() - 1;
        messages.put("start", oldest < 0 ? "b" + -oldest : "s" + oldest);
        messages.put("end", "s" + Math.min(upTo, view.upTo()));
        ArrayNode state = room.putArray("state");
        for (StoredEvent e : reads.state(view)) {
            state.add(ClientEvents.of(e, caller.userId(), caller.transactionScope(), now, true));
        }
        room.put("visibility", rooms.published(roomId) ? "public" : "private");
        ArrayNode accountData = room.putArray("account_data");
        for (AccountData d : streams.accountDataSince(caller.userId(), 0, upTo)) {
            if (d.roomId().equals(roomId)) {
                accountData.addObject().put("type", d.type()).set("content", ClientEvents.parse(d.content()));
            }
        }
        return room;
    }

    private ArrayNode presence(List<String> userIds, long upTo) {
        ArrayNode events = MatrixJson.mapper().createArrayNode();
        long now = clock.getAsLong();
        for (Presence p : streams.presenceSince(userIds, 0, upTo)) {
            ObjectNode content = events.addObject().put("type", "m.presence").put("sender", p.userId()).putObject("content")
                    .put("presence", p.presence()).put("last_active_ago", Math.max(0, now - p.lastActiveTs()))
                    .put("currently_active", p.presence().equals("online"));
            p.statusMsg().ifPresent(s -> content.put("status_msg", s));
        }
        return events;
    }
}
