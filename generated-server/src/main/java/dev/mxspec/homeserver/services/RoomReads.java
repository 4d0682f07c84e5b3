package dev.mxspec.homeserver.services;

import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Reading a room as one user may: its state, members and history. A member reads everything the
 * history visibility lets him see; a user who left reads the room as it was when he left, and
 * what he could see up to then; anyone reads a {@code world_readable} room; everyone else is
 * refused with {@code M_FORBIDDEN}. Single events the user may not see are {@code M_NOT_FOUND}.
 */
public final class RoomReads {

    /**
     * What a user may read of a room.
     *
     * @param upTo the last stream position he may read (his leave, for a user who left)
     * @param current whether he reads the current state (a member, or a reader of a world-readable room)
     */
    public record View(String roomId, String userId, long upTo, boolean current, Predicate<StoredEvent> visible) {}

    /** Events in stream order (newest first when read backwards) and where to continue, when there may be more. */
    public record Page(List<StoredEvent> events, Optional<Long> next) {}

    private static final int BATCH = 64;

    private final RoomService rooms;
    private final Memberships memberships;
    private final EventVisibility visibility;

    public RoomReads(RoomService rooms, Memberships memberships, EventVisibility visibility) {
        this.rooms = rooms;
        this.memberships = memberships;
        this.visibility = visibility;
    }

    /** Takes in a room's older history from other servers (federation's backfill). */
    @FunctionalInterface
    public interface Backfill {
        /** Whether events of the room's past were taken in (none: nothing older to ask for, or no server gave any). */
        boolean backfill(String roomId);
    }

    /** How many times one page of history asks for older events before it answers with what it has. */
    static final int BACKFILL_ROUNDS = 3;

    private volatile Optional<Backfill> backfill = Optional.empty();

    /** Lets pages of history reach past the oldest event held (set when federation runs). */
    public void backfillFrom(Backfill backfill) {
        this.backfill = Optional.of(backfill);
    }

    public EventVisibility visibility() {
        return visibility;
    }

    /** What {@code userId} may read of {@code roomId}; 404 for an unknown room, 403 when nothing. */
    public View view(String userId, String roomId) {
        rooms.room(roomId);
        Optional<Membership> membership = memberships.of(roomId, userId);
        String value = membership.map(Membership::membership).orElse("leave");
        Predicate<StoredEvent> visible = visibility.viewer(userId, roomId);
        if (value.equals("join") || visibility.worldReadable(roomId)) {
            return new View(roomId, userId, Long.MAX_VALUE, true, visible);
        }
        if (membership.isPresent() && (value.equals("leave") || value.equals("ban"))
                && visibility.joinedBefore(userId, roomId, membership.get().streamPos())) {
            long left = membership.get().streamPos();
            return new View(roomId, userId, left, false, e -> e.streamPos() <= left && visible.test(e));
        }
        throw MatrixException.forbidden(userId + " is not in the room and the room is not world-readable");
    }

    /**
     * Events as the reader gets them: the client format, with bundled aggregations
     * ({@code unsigned.m.relations}) of the children he may see.
     */
    public List<dev.mxspec.spec.v1_7.clientserver.ClientEvent> clientEvents(View view, String deviceId, List<StoredEvent> events,
            long now) {
        List<com.fasterxml.jackson.databind.node.ObjectNode> json = new ArrayList<>();
        for (StoredEvent e : events) {
            json.add(ClientEvents.of(e, view.userId(), deviceId, now, true));
        }
        rooms.relations().bundle(view.roomId(), json,
                new Relations.Reader(view.userId(), deviceId, view.visible(), visibility.ignoredUsers(view.userId()), now));
        List<dev.mxspec.spec.v1_7.clientserver.ClientEvent> out = new ArrayList<>();
        for (var j : json) {
            out.add(ClientEvents.typed(j));
        }
        return out;
    }

    /** The state the view shows: current, or as it was when the user left. */
    public List<StoredEvent> state(View view) {
        return view.current() ? rooms.stateEvents(view.roomId()) : rooms.stateEventsAt(view.roomId(), view.upTo());
    }

    /** The state of the room as it was at a stream position (capped at what the view may read). */
    public List<StoredEvent> stateAt(View view, long position) {
        long at = Math.min(position, view.upTo());
        return view.current() && at >= rooms.streamPosition() ? rooms.stateEvents(view.roomId()) : rooms.stateEventsAt(view.roomId(), at);
    }

    /** One event of the room, when the user may see it; {@code M_NOT_FOUND} otherwise, as if it did not exist. */
    public StoredEvent event(View view, String eventId) {
        return rooms.event(eventId).filter(e -> e.roomId().equals(view.roomId())).filter(view.visible())
                .orElseThrow(() -> new MatrixException(404, ErrorCodes.M_NOT_FOUND, "no such event"));
    }

    /**
     * {@link #history} read backwards from {@code upTo} with no lower bound: a page that runs past the oldest event held
     * has the room's older history taken in from other servers ({@link Backfill}), at most {@value #BACKFILL_ROUNDS}
     * times, and goes on into it. When no server answers, the page holds what is held.
     */
    public Page historyBefore(View view, long upTo, int limit) {
        Page page = history(view, Long.MIN_VALUE, upTo, limit, true);
        for (int round = 0; round < BACKFILL_ROUNDS && page.events().size() < limit && page.next().isEmpty() && backfill.isPresent(); round++) {
            if (!backfill.get().backfill(view.roomId())) {
                break;
            }
            page = history(view, Long.MIN_VALUE, upTo, limit, true);
        }
        return page;
    }

    /**
     * Up to {@code limit} events the user may see between two positions (exclusive, inclusive),
     * newest first when {@code backwards}; events he may not see are skipped, not counted.
     */
    public Page history(View view, long after, long upTo, int limit, boolean backwards) {
        long to = Math.min(upTo, view.upTo());
        List<StoredEvent> out = new ArrayList<>();
        long low = after;
        long high = to;
        while (out.size() < limit && low < high) {
            int want = Math.max(BATCH, limit - out.size());
            List<StoredEvent> batch = rooms.history(view.roomId(), low, high, want, backwards);
            for (StoredEvent e : batch) {
                if (view.visible().test(e) && out.size() < limit) {
                    out.add(e);
                }
                if (out.size() == limit) {
                    long at = e.streamPos();
                    return new Page(out, Optional.of(backwards ? at - 1 : at));
                }
            }
            if (batch.size() < want) {
                return new Page(out, Optional.empty());
            }
            if (backwards) {
                high = batch.getLast().streamPos() - 1;
            } else {
                low = batch.getLast().streamPos();
            }
        }
        return new Page(out, Optional.empty());
    }
}
