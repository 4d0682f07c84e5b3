package dev.mxspec.client.sdk;

import dev.mxspec.runtime.api.MatrixException;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Long-polls {@code /sync}, keeps every room's state, members and recent timeline up to date
 * ({@link #rooms()}), and hands each new timeline event to the listeners, with its content typed
 * by the generated v1.7 event classes.
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

    private final ClientServerClient api;
    private final List<TypedListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private volatile Optional<String> since = Optional.empty();
    private volatile boolean running;

    SyncLoop(ClientServerClient api) {
        this.api = api;
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
        SyncResponse r = api.sync(new Sync.Request(Optional.of("{\"room\":{\"timeline\":{\"limit\":1}}}"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty()));
        apply(r, false);
        since = Optional.of(r.nextBatch());
        return this;
    }

    /** Runs until {@link #stop}; network errors are retried after a pause, an invalid session ends the loop. */
    public void run(long pollMs) {
        running = true;
        while (running) {
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

    public void once(long pollMs) {
        SyncResponse r = api.sync(new Sync.Request(Optional.empty(), since, Optional.empty(), Optional.empty(), Optional.of(pollMs)));
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
            update(room, e.getValue().state(), e.getValue().timeline(), deliver);
            e.getValue().ephemeral().flatMap(x -> x.events()).orElse(List.of()).forEach(x -> room.applyEphemeral(x.type(), x.content()));
        }
        for (Map.Entry<String, LeftRoom> e : sections.flatMap(x -> x.leave()).orElse(Map.of()).entrySet()) {
            update(room(e.getKey(), Room.Membership.LEAVE), e.getValue().state(), e.getValue().timeline(), deliver);
        }
    }

    private Room room(String id, Room.Membership membership) {
        Room room = rooms.computeIfAbsent(id, k -> new Room(k, membership));
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
