package dev.mxspec.client.sdk;

import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.client.MatrixHttpClient;
import dev.mxspec.spec.v1_7.clientserver.ClientEventWithoutRoomID;
import dev.mxspec.spec.v1_7.clientserver.JoinedRoom;
import dev.mxspec.spec.v1_7.clientserver.LeftRoom;
import dev.mxspec.spec.v1_7.clientserver.State;
import dev.mxspec.spec.v1_7.clientserver.SyncResponse;
import dev.mxspec.spec.v1_7.clientserver.Timeline;
import dev.mxspec.spec.v1_7.clientserver.client.ClientServerClient;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Sync;
import dev.mxspec.spec.v1_7.events.EventContent;
import dev.mxspec.spec.v1_7.events.Events;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

/**
 * Long-polls {@code /sync}, keeps every room's state, members, recent timeline, relations and
 * unread notifications up to date ({@link #rooms()}), and hands each new timeline event to the
 * listeners, with its content typed by the generated v1.7 event classes. It asks for unread
 * notifications per thread ({@code unread_thread_notifications} in its filter), so a room's counts
 * come as those of its main timeline and of each thread. An interrupt ends a long poll at once.
 */
public final class SyncLoop {

    /** Receives events as they arrive. */
    @FunctionalInterface
    public interface Listener {
        void onEvent(String roomId, ClientEventWithoutRoomID event);
    }

    /** Receives events as they arrive, with typed content ({@code RawEventContent} for unknown types). */
    @FunctionalInterface
    public interface TypedListener {
        void onEvent(Room room, ClientEventWithoutRoomID event, EventContent content);
    }

    /** The filter of every sync: unread notifications per thread. */
    static final String FILTER = "{\"room\":{\"timeline\":{\"unread_thread_notifications\":true}}}";
    /** The filter of a sync that skips history: the latest event of each room only. */
    static final String LATEST_ONLY = "{\"room\":{\"timeline\":{\"limit\":1,\"unread_thread_notifications\":true}}}";

    private final ClientServerClient api;
    private final String me;
    private final List<TypedListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private volatile Optional<String> since = Optional.empty();
    private volatile boolean running;

    SyncLoop(ClientServerClient api, String me) {
        this.api = api;
        this.me = me;
    }

    public SyncLoop listen(Listener listener) {
        listeners.add((room, event, content) -> listener.onEvent(room.roomId(), event));
        return this;
    }

    public SyncLoop listenTyped(TypedListener listener) {
        listeners.add(listener);
        return this;
    }

    /** The rooms seen so far, by room ID. */
    public Map<String, Room> rooms() {
        return Map.copyOf(rooms);
    }

    public Optional<Room> room(String roomId) {
        return Optional.ofNullable(rooms.get(roomId));
    }

    /** The token of the last sync, to resume from. */
    public Optional<String> since() {
        return since;
    }

    /**
     * Syncs once without delivering, so that only what arrives afterwards is delivered; room state
     * is still taken in.
     */
    public SyncLoop skipHistory() {
        SyncResponse r = api.sync(new Sync.Request(Optional.of(LATEST_ONLY), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty()));
        apply(r, false);
        since = Optional.of(r.nextBatch());
        return this;
    }

    /**
     * Runs until {@link #stop} or until its thread is interrupted; network errors are retried after a
     * pause, an invalid session ends the loop.
     */
    public void run(long pollMs) {
        running = true;
        while (running && !Thread.currentThread().isInterrupted()) {
            try {
                once(pollMs);
            } catch (MatrixException e) {
                if (e.status() == 401) {
                    throw e;
                }
                pause();
            } catch (RuntimeException e) {
                pause();
            }
        }
    }

    /** One sync, waiting up to {@code pollMs} for news; returns at once, changing nothing, when the thread is interrupted. */
    public void once(long pollMs) {
        CompletableFuture<SyncResponse> poll = api.syncAsync(new Sync.Request(Optional.of(FILTER), since, Optional.empty(), Optional.empty(),
                Optional.of(pollMs)));
        try {
            poll.get();
        } catch (InterruptedException e) {
            poll.cancel(true);
            Thread.currentThread().interrupt();
            running = false;
            return;
        } catch (ExecutionException e) {
            // thrown as it is by join below
        }
        SyncResponse r = MatrixHttpClient.join(poll);
        apply(r, true);
        since = Optional.of(r.nextBatch());
    }

    private void apply(SyncResponse r, boolean deliver) {
        var sections = r.rooms();
        sections.flatMap(x -> x.invite()).orElse(Map.of()).forEach((id, invited) -> {
            Room room = room(id, Room.Membership.INVITE);
            invited.inviteState().flatMap(s -> s.events()).orElse(List.of())
                    .forEach(e -> room.applyState(e.type(), e.stateKey(), e.sender(), e.content()));
        });
        sections.flatMap(x -> x.knock()).orElse(Map.of()).forEach((id, knocked) -> {
            Room room = room(id, Room.Membership.KNOCK);
            knocked.knockState().flatMap(s -> s.events()).orElse(List.of())
                    .forEach(e -> room.applyState(e.type(), e.stateKey(), e.sender(), e.content()));
        });
        for (Map.Entry<String, JoinedRoom> e : sections.flatMap(x -> x.join()).orElse(Map.of()).entrySet()) {
            Room room = room(e.getKey(), Room.Membership.JOIN);
            JoinedRoom joined = e.getValue();
            update(room, joined.state(), joined.timeline(), deliver);
            joined.unreadNotifications().ifPresent(main -> room.unreadFromSync(Unread.of(main.notificationCount(), main.highlightCount()),
                    joined.unreadThreadNotifications().orElse(Map.of()).entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                            t -> Unread.of(t.getValue().notificationCount(), t.getValue().highlightCount())))));
            joined.ephemeral().flatMap(x -> x.events()).orElse(List.of()).forEach(x -> room.applyEphemeral(x.type(), x.content()));
        }
        for (Map.Entry<String, LeftRoom> e : sections.flatMap(x -> x.leave()).orElse(Map.of()).entrySet()) {
            update(room(e.getKey(), Room.Membership.LEAVE), e.getValue().state(), e.getValue().timeline(), deliver);
        }
    }

    private Room room(String id, Room.Membership membership) {
        Room room = rooms.computeIfAbsent(id, k -> new Room(k, membership, me));
        room.membership(membership);
        return room;
    }

    private void update(Room room, Optional<State> state, Optional<Timeline> timeline, boolean deliver) {
        state.flatMap(State::events).orElse(List.of())
                .forEach(s -> s.stateKey().ifPresent(key -> room.applyState(s.type(), key, s.sender(), s.content())));
        timeline.ifPresent(t -> {
            room.appendTimeline(t.events(), t.limited().orElse(false), t.prevBatch());
            if (deliver) {
                for (ClientEventWithoutRoomID event : t.events()) {
                    EventContent content = Events.content(event.type(), event.content());
                    listeners.forEach(l -> l.onEvent(room, event, content));
                }
            }
        });
    }

    public void stop() {
        running = false;
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
