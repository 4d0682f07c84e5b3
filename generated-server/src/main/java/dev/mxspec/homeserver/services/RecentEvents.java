package dev.mxspec.homeserver.services;

import dev.mxspec.homeserver.storage.Records.StoredEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The latest events of the most recently active rooms, so that the syncs a new event wakes read
 * it from memory rather than each from storage. A room's entry holds every event after
 * {@code floor} (events are added in order, under the room's send lock, before their position is
 * reported done); a read is answered from memory only when that makes the answer complete.
 */
final class RecentEvents {

    private record Window(List<StoredEvent> events, long floor) {}

    private final int perRoom;
    private final Map<String, Window> rooms;

    RecentEvents(int perRoom, int maxRooms) {
        this.perRoom = perRoom;
        this.rooms = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
                return size() > maxRooms;
            }
        };
    }

    /** Adds a room's newest event; {@code previousPos} is the position of the room's event before it (0 for its first). */
    synchronized void added(StoredEvent event, long previousPos) {
        Window w = rooms.get(event.roomId());
        List<StoredEvent> events = new ArrayList<>(perRoom + 1);
        long floor = previousPos;
        if (w != null && (w.events().isEmpty() ? w.floor() : w.events().getLast().streamPos()) == previousPos) {
            events.addAll(w.events());
            floor = w.floor();
        }
        events.add(event);
        if (events.size() > perRoom) {
            floor = events.removeFirst().streamPos();
        }
        rooms.put(event.roomId(), new Window(List.copyOf(events), floor));
    }

    /** Forgets a room (an event in it changed, as by a redaction). */
    synchronized void forget(String roomId) {
        rooms.remove(roomId);
    }

    /**
     * The room's events with {@code after < position <= upTo}, newest first, at most {@code limit};
     * empty when memory does not hold all of them.
     */
    Optional<List<StoredEvent>> newestFirst(String roomId, long after, long upTo, int limit) {
        Window w;
        synchronized (this) {
            w = rooms.get(roomId);
        }
        if (w == null) {
            return Optional.empty();
        }
        List<StoredEvent> out = new ArrayList<>();
        for (int i = w.events().size() - 1; i >= 0 && out.size() < limit; i--) {
            StoredEvent e = w.events().get(i);
            if (e.streamPos() <= after) {
                return Optional.of(out);
            }
            if (e.streamPos() <= upTo) {
                out.add(e);
            }
        }
        return out.size() == limit || after >= w.floor() ? Optional.of(out) : Optional.empty();
    }
}
