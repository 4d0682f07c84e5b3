package dev.mxspec.homeserver.services;

import dev.mxspec.homeserver.core.Changes;
import dev.mxspec.homeserver.core.StreamCounter;
import dev.mxspec.homeserver.storage.Records.Membership;
import dev.mxspec.homeserver.storage.Storage;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Device list tracking for end-to-end encryption ({@code device_lists} in {@code /sync} and
 * {@code /keys/changes}): who changed their devices (the user included: a new login of the user's
 * own shows), who now shares a room with a user and who no longer shares any. The spec's module
 * speaks of users who share a room, encrypted or not (a room may become encrypted later, and
 * Synapse reports users sharing any room); as the spec allows, a user is reported as changed
 * whenever they come to share another room, even if they shared one already. A user's master or
 * self-signing key changing is a change of their device list; a change only one user is told of
 * (their user-signing key, their signatures of other users' keys) is recorded for that user alone.
 */
public final class DeviceLists {

    /** {@code changed} and {@code left}, sorted. */
    public record Update(List<String> changed, List<String> left) {

        public boolean isEmpty() {
            return changed.isEmpty() && left.isEmpty();
        }
    }

    private final Storage storage;
    private final StreamCounter stream;
    private final Memberships memberships;
    private final Notifier notifier;

    public DeviceLists(Storage storage, StreamCounter stream, Memberships memberships, Notifier notifier) {
        this.storage = storage;
        this.stream = stream;
        this.memberships = memberships;
        this.notifier = notifier;
    }

    /** A device of the user was added, renamed or removed: tells the user's other devices and everyone sharing a room. */
    public void changed(String userId) {
        long pos = stream.next(Changes.devices(userId), Changes.DEVICE_LISTS);
        try {
            storage.deviceListChanged(userId, pos);
        } finally {
            stream.done(pos);
        }
        Set<String> audience = sharing(userId, memberships.ofUser(userId));
        audience.add(userId);
        notifier.wake(audience);
        listeners.forEach(l -> l.accept(userId));
    }

    /**
     * Changes only {@code userId} is told of (their own user-signing key, their signatures of other users' master
     * keys): {@code targets} show as changed in that user's syncs, whether or not they share a room.
     */
    public void changedFor(String userId, java.util.Collection<String> targets) {
        if (targets.isEmpty()) {
            return;
        }
        long pos = stream.next(Changes.devices(userId), Changes.DEVICE_LISTS);
        try {
            storage.userSignatureChanged(userId, targets, pos);
        } finally {
            stream.done(pos);
        }
        notifier.wake(Set.of(userId));
    }

    private final List<java.util.function.Consumer<String>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Told the user ID after each change of a device list (federation announces local users' ones). */
    public void onChange(java.util.function.Consumer<String> listener) {
        listeners.add(listener);
    }

    /** What changed for {@code userId} after {@code since}, up to {@code upTo}. */
    public Update since(String userId, long since, long upTo) {
        List<Membership> all = memberships.ofUser(userId);
        boolean membershipsMoved = stream.changedSince(Changes.memberships(userId), since)
                || all.stream().anyMatch(m -> m.membership().equals("join") && stream.changedSince(Changes.members(m.roomId()), since));
        boolean devicesMoved = stream.changedSince(Changes.DEVICE_LISTS, since);
        if (!membershipsMoved && !devicesMoved) { // the common case, answered from memory
            return new Update(List.of(), List.of());
        }
        List<Membership> mine = all;
        Set<String> sharing = sharing(userId, mine);
        Set<String> changed = new TreeSet<>();
        Set<String> left = new TreeSet<>();
        for (Membership m : mine) {
            if (m.streamPos() > since && m.streamPos() <= upTo) { // the user's own join or leave
                (m.membership().equals("join") ? changed : left).addAll(memberships.joined(m.roomId()));
                changed.remove(userId);
            }
            if (m.membership().equals("join")) {
                for (Membership other : memberships.ofRoom(m.roomId())) {
                    if (!other.userId().equals(userId) && other.streamPos() > since && other.streamPos() <= upTo) {
                        (other.membership().equals("join") ? changed : left).add(other.userId());
                    }
                }
            }
        }
        if (devicesMoved) {
            Set<String> watched = new TreeSet<>(sharing);
            watched.add(userId);
            changed.addAll(storage.deviceListsChangedSince(List.copyOf(watched), since, upTo));
        }
        left.removeAll(sharing);
        left.remove(userId);
        changed.removeIf(u -> !sharing.contains(u) && !u.equals(userId));
        if (devicesMoved) {
            changed.addAll(storage.userSignatureChangesSince(userId, since, upTo));
        }
        return new Update(List.copyOf(changed), List.copyOf(left));
    }

    /** The users who share a room with {@code userId} (joined members), without the user. */
    private Set<String> sharing(String userId, List<Membership> mine) {
        Set<String> out = new TreeSet<>();
        for (Membership m : mine) {
            if (m.membership().equals("join")) {
                out.addAll(memberships.joined(m.roomId()));
            }
        }
        out.remove(userId);
        return out;
    }
}
