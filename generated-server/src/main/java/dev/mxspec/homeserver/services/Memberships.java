package dev.mxspec.homeserver.services;

import dev.mxspec.homeserver.core.Changes;
import dev.mxspec.homeserver.core.StreamCache;
import dev.mxspec.homeserver.core.StreamCounter;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.RoomStore;
import java.util.List;
import java.util.function.Supplier;

/**
 * Memberships by user and by room, read from storage once and kept until a membership write
 * names them ({@link Changes#memberships}, {@link Changes#members}). An entry remembers the stream
 * position it was read at; it is used only while nothing it covers changed after that position,
 * so a read racing a write never keeps the older list.
 */
public final class Memberships {

    private final RoomStore storage;
    private final StreamCache<List<Membership>> cache;

    public Memberships(RoomStore storage, StreamCounter stream) {
        this.storage = storage;
        this.cache = new StreamCache<>(stream);
    }

    /** Every membership of a user (join, invite, knock, leave, ban), one per room. */
    public List<Membership> ofUser(String userId) {
        return cached(Changes.memberships(userId), () -> storage.membershipsOfUser(userId));
    }

    /** Every membership in a room. */
    public List<Membership> ofRoom(String roomId) {
        return cached(Changes.members(roomId), () -> storage.membersOfRoom(roomId));
    }

    /** A user's membership in a room. */
    public java.util.Optional<Membership> of(String roomId, String userId) {
        return ofRoom(roomId).stream().filter(m -> m.userId().equals(userId)).findFirst();
    }

    /** The user IDs of a room's joined members. */
    public List<String> joined(String roomId) {
        return ofRoom(roomId).stream().filter(m -> m.membership().equals("join")).map(Membership::userId).toList();
    }

    private List<Membership> cached(String key, Supplier<List<Membership>> load) {
        return cache.get(key, () -> List.copyOf(load.get()));
    }
}
