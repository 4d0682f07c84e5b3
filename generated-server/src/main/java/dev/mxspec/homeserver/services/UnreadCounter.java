package dev.mxspec.homeserver.services;

import dev.mxspec.homeserver.core.StreamCounter;
import dev.mxspec.homeserver.storage.NotificationStore;
import dev.mxspec.homeserver.storage.NotificationStore.ReadMark;
import dev.mxspec.homeserver.storage.Records.PushAction;
import dev.mxspec.homeserver.storage.Records.UnreadCounts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Unread notification counts per member and room, counted once from storage and then carried
 * forward in memory, so that a woken sync does not read the database for them.
 *
 * <p>Once a member's room is counted, the notifications of new events of the room for him are
 * handed over as they are stored, before their position is done ({@link #held}); a later count up
 * to a position adds those it has not added yet. A count is started again from storage when the
 * member's read marks in the room moved or a notification of the room was removed (redaction):
 * each bumps a version, and a count is carried forward only at the versions it was taken at.
 *
 * <p>What a count knows of: storage up to the position it was taken at; and every notification of
 * an event whose position was given out after it was registered ({@code watchedFrom}), handed over
 * before that position is done. Positions in between are asked of storage once, when carried forward.
 */
final class UnreadCounter {

    /** Counts kept at most; past this, they are all forgotten and taken again as members sync. */
    private static final int MAX_KEPT = 100_000;
    /** Notifications a count holds without being carried forward; past this it is forgotten. */
    private static final int MAX_PENDING = 1000;

    private record Key(String userId, String roomId) {}

    /** One member's count in one room. */
    private static final class Count {
        final long marksVersion;
        final long roomVersion;
        long watchedFrom;
        long upTo;
        long roomMark;
        Map<String, Long> threadMarks = Map.of();
        final Map<String, long[]> byThread = new TreeMap<>();
        final List<PushAction> pending = new ArrayList<>();
        boolean counted;
        /** The counts as last handed out; null once they changed. */
        List<UnreadCounts> snapshot;

        Count(long marksVersion, long roomVersion) {
            this.marksVersion = marksVersion;
            this.roomVersion = roomVersion;
        }

        void add(List<UnreadCounts> counts) {
            snapshot = null;
            for (UnreadCounts c : counts) {
                long[] s = byThread.computeIfAbsent(c.threadId(), t -> new long[2]);
                s[0] += c.notifications();
                s[1] += c.highlights();
            }
        }

        boolean unread(PushAction a) {
            return a.streamPos() > roomMark && a.streamPos() > threadMarks.getOrDefault(a.threadId(), 0L);
        }

        List<UnreadCounts> counts() {
            if (snapshot == null) {
                List<UnreadCounts> out = new ArrayList<>();
                byThread.forEach((thread, s) -> {
                    if (s[0] > 0) {
                        out.add(new UnreadCounts(thread, s[0], s[1]));
                    }
                });
                snapshot = List.copyOf(out);
            }
            return snapshot;
        }
    }

    private final NotificationStore store;
    private final StreamCounter stream;
    private final Map<Key, Count> counts = new ConcurrentHashMap<>();
    private final Map<Key, AtomicLong> marks = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> rooms = new ConcurrentHashMap<>();

    UnreadCounter(NotificationStore store, StreamCounter stream) {
        this.store = store;
        this.stream = stream;
    }

    /** Notifications of a new event, stored with it; called before its position is done. */
    void held(List<PushAction> actions) {
        for (PushAction a : actions) {
            Key key = new Key(a.userId(), a.roomId());
            Count c = counts.get(key);
            if (c != null) {
                synchronized (c) {
                    c.pending.add(a);
                    if (c.pending.size() > MAX_PENDING) {
                        counts.remove(key, c);
                    }
                }
            }
        }
    }

    /** A member's read marks in a room moved (after they are stored). */
    void marksMoved(String userId, String roomId) {
        marks.computeIfAbsent(new Key(userId, roomId), k -> new AtomicLong()).incrementAndGet();
    }

    /** A notification of the room was removed (after it is). */
    void roomChanged(String roomId) {
        rooms.computeIfAbsent(roomId, r -> new AtomicLong()).incrementAndGet();
    }

    private static long version(Map<?, AtomicLong> versions, Object key) {
        AtomicLong v = versions.get(key);
        return v == null ? 0 : v.get();
    }

    /** The unread notifications of a member in a room up to a position, per thread. */
    List<UnreadCounts> unread(String userId, String roomId, long upTo) {
        Key key = new Key(userId, roomId);
        long marksVersion = version(marks, key);
        long roomVersion = version(rooms, roomId);
        Count c = counts.get(key);
        if (c == null || c.marksVersion != marksVersion || c.roomVersion != roomVersion) {
            if (counts.size() >= MAX_KEPT) {
                counts.clear();
            }
            c = new Count(marksVersion, roomVersion);
            synchronized (c) {
                counts.put(key, c); // registered first, so that every event given a position from now on reaches it
                c.watchedFrom = stream.lastGiven();
            }
        }
        synchronized (c) {
            if (!c.counted) {
                loadMarks(c, userId, roomId);
                c.add(store.unread(userId, roomId, 0, upTo));
                c.upTo = upTo;
                c.counted = true;
            } else if (upTo > c.upTo) {
                long fromStorage = Math.min(upTo, c.watchedFrom);
                if (fromStorage > c.upTo) {
                    c.add(store.unread(userId, roomId, c.upTo, fromStorage));
                }
                long after = Math.max(c.upTo, c.watchedFrom);
                List<PushAction> later = new ArrayList<>();
                for (PushAction a : c.pending) {
                    if (a.streamPos() > upTo) {
                        later.add(a);
                    } else if (a.streamPos() > after && c.unread(a)) {
                        c.snapshot = null;
                        long[] s = c.byThread.computeIfAbsent(a.threadId(), t -> new long[2]);
                        s[0]++;
                        s[1] += a.highlight() ? 1 : 0;
                    }
                }
                if (later.size() != c.pending.size()) {
                    c.pending.clear();
                    c.pending.addAll(later);
                }
                c.upTo = upTo;
            } else if (upTo < c.upTo) {
                return store.unread(userId, roomId, 0, upTo); // an older position: not carried backwards
            }
            return c.counts();
        }
    }

    private void loadMarks(Count c, String userId, String roomId) {
        Map<String, Long> threads = new HashMap<>();
        for (ReadMark m : store.readMarks(userId, roomId)) {
            if (m.threadId().isEmpty()) {
                c.roomMark = m.streamPos();
            } else {
                threads.put(m.threadId(), m.streamPos());
            }
        }
        c.threadMarks = threads;
    }
}
