package dev.mxspec.homeserver.services;

import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.homeserver.storage.RoomStore;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.util.function.Predicate;

/**
 * The event of a room nearest a time ({@code timestamp_to_event}, client and federation): the first timeline event
 * at or after the time ({@code dir=f}), or at or before it ({@code dir=b}), by {@code origin_server_ts}, that the
 * asker may see; {@code M_NOT_FOUND} when there is none among the nearest {@link #CANDIDATES}.
 */
public final class EventsByTime {

    /** The events looked at past those the asker may not see. */
    static final int CANDIDATES = 200;

    private final RoomStore store;

    public EventsByTime(RoomStore store) {
        this.store = store;
    }

    /** Whether {@code dir} asks forwards ({@code f}) or backwards ({@code b}); {@code M_INVALID_PARAM} for anything else. */
    public static boolean forward(String dir) {
        return switch (dir) {
            case "f" -> true;
            case "b" -> false;
            default -> throw MatrixException.invalidParam("dir", "must be f or b");
        };
    }

    /** The nearest event {@code visible} lets through. */
    public StoredEvent nearest(String roomId, long ts, String dir, Predicate<StoredEvent> visible) {
        boolean forward = forward(dir);
        if (ts < 0) {
            throw MatrixException.invalidParam("ts", "must not be negative");
        }
        return store.eventsNearTime(roomId, ts, forward, CANDIDATES).stream().filter(visible).findFirst()
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no event " + (forward ? "at or after " : "at or before ")
                        + ts + " in " + roomId));
    }
}
