package dev.mxspec.homeserver.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.services.EventVisibility;
import dev.mxspec.homeserver.services.Relations;
import dev.mxspec.homeserver.services.RoomService;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The timeline of a room in a sync: the latest events after a position that the timeline filter
 * keeps, at most its {@code limit}, read newest first in pages until the limit is reached. This
 * is the one place where events are chosen to be served to the user in a sync ({@link #servable}).
 */
final class RoomTimeline {

    /** Events read past the filter before a timeline is cut short (and marked limited) in a room whose events the filter mostly drops. */
    static final int MAX_SCANNED = 2_000;

    /**
     * @param events oldest first, each with its served form
     * @param limited whether events kept by the filter were left out before the first one
     * @param start the position just before the first event (the state a sync sends is the state at it)
     * @param gap whether events after the window's start were left out (limited, or all dropped by the filter)
     */
    record Timeline(List<Served> events, boolean limited, long start, boolean gap) {}

    /** An event and its served form (before {@code event_fields}). */
    record Served(StoredEvent event, ObjectNode json) {}

    private final RoomService rooms;
    private final EventVisibility visibility;

    RoomTimeline(RoomService rooms, EventVisibility visibility) {
        this.rooms = rooms;
        this.visibility = visibility;
    }

    /** The timeline of events after {@code after} up to {@code upTo}. */
    Timeline load(Caller caller, String roomId, long after, long upTo, SyncFilter filter, long now) {
        SyncFilter.EventFilter timelineFilter = filter.room().timeline();
        if (!timelineFilter.keepsRoom(roomId)) {
            return new Timeline(List.of(), false, upTo, false);
        }
        int limit = filter.room().timelineLimit();
        List<Served> kept = new ArrayList<>(); // newest first
        boolean more = false;
        boolean any = false;
        int scanned = 0;
        long before = upTo;
        Predicate<StoredEvent> visible = null; // made for the first page that has events
        while (!more) {
            int page = Math.min(Math.max(limit + 1, scanned), 500); // pages grow when the filter or visibility drops events
            List<StoredEvent> events = rooms.history(roomId, after, before, page, true);
            any |= !events.isEmpty();
            if (visible == null && !events.isEmpty()) {
                visible = servable(caller, roomId);
            }
            for (StoredEvent e : events) {
                if (!visible.test(e)) {
                    continue;
                }
                ObjectNode json = EventFormat.of(e, caller, now, filter.federationFormat());
                if (timelineFilter.keeps(json)) { // type, sender and content are where they are in both formats
                    if (kept.size() == limit) {
                        more = true;
                        break;
                    }
                    kept.add(new Served(e, json));
                }
            }
            scanned += events.size();
            if (events.size() < page) {
                break;
            }
            before = events.getLast().streamPos() - 1;
            if (scanned >= MAX_SCANNED && !more) {
                more = true; // a room whose latest events the filter drops: the rest is left to /messages
            }
        }
        if (!kept.isEmpty() && !filter.federationFormat()) { // bundled aggregations (threads, edits, references)
            rooms.relations().bundle(roomId, kept.stream().map(Served::json).toList(),
                    new Relations.Reader(caller.userId(), caller.transactionScope(), visible, visibility.ignoredUsers(caller.userId()), now));
        }
        long start = kept.isEmpty() ? upTo : kept.getLast().event().streamPos() - 1;
        return new Timeline(kept.reversed(), more, start, more || (kept.isEmpty() && any));
    }

    /**
     * Which events of the room may be served to the user: every timeline event of a sync passes
     * here (history visibility at each event, ignored users: {@link EventVisibility}).
     */
    Predicate<StoredEvent> servable(Caller caller, String roomId) {
        return visibility.viewer(caller.userId(), roomId);
    }

}
