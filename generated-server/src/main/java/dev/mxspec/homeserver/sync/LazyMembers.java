package dev.mxspec.homeserver.sync;

import dev.mxspec.homeserver.core.Caller;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The member events each device was sent, for lazy-loading's "redundant membership events": a
 * member event counts as known to a device only once the device synced from a token at or after
 * the response that carried it, so a response that never arrived (the client retries with the
 * same {@code since}) is sent again. Kept in memory for the {@link #MAX_DEVICES} most recently
 * syncing devices; forgetting only makes a sync send a member event again.
 */
final class LazyMembers {

    static final int MAX_DEVICES = 10_000;

    /** A member event sent in the response whose {@code next_batch} is position {@code at}. */
    private record Sent(String eventId, long at) {}

    /** user and device to room to member to what was sent last. */
    private final Map<String, Map<String, Map<String, Sent>>> devices = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Map<String, Sent>>> eldest) {
            return size() > MAX_DEVICES;
        }
    };

    /** Whether the device has {@code eventId} as {@code member}'s member event, as a sync from {@code since} shows. */
    synchronized boolean known(Caller caller, String roomId, String member, String eventId, long since) {
        Map<String, Map<String, Sent>> rooms = devices.get(key(caller));
        Sent sent = rooms == null ? null : rooms.getOrDefault(roomId, Map.of()).get(member);
        return sent != null && sent.eventId().equals(eventId) && sent.at() <= since;
    }

    /** Notes the member events sent in a response whose {@code next_batch} is {@code at}. */
    synchronized void sent(Caller caller, String roomId, Map<String, String> eventIdsByMember, long at) {
        if (eventIdsByMember.isEmpty()) {
            return;
        }
        Map<String, Sent> room = devices.computeIfAbsent(key(caller), k -> new HashMap<>()).computeIfAbsent(roomId, r -> new HashMap<>());
        eventIdsByMember.forEach((member, eventId) -> room.put(member, new Sent(eventId, at)));
    }

    private static String key(Caller caller) {
        return caller.userId() + " " + caller.transactionScope();
    }
}
