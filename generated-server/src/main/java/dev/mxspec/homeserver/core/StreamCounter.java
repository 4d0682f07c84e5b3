package dev.mxspec.homeserver.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Positions in the server's streams (events, account data, receipts, ...): one increasing counter.
 * Writers take a position with {@link #next} and report it {@link #done(long)} once persisted;
 * readers read up to {@link #current()}, below every position still being written, so that a
 * sync token never passes over an event that is not yet visible.
 *
 * <p>Writers name what their write changes ({@link Changes}); {@link #changedSince} tells a reader
 * whether a key changed after a position, so that a sync skips reading what did not. The record
 * is made when the position is taken, before the write is visible, so it never lags behind what
 * a reader can see. Keys not changed since start count as changed at the start position.
 */
public final class StreamCounter {

    private final long start;
    private final AtomicLong last;
    private final ConcurrentSkipListSet<Long> inFlight = new ConcurrentSkipListSet<>();
    private final ConcurrentHashMap<String, Long> changes = new ConcurrentHashMap<>();

    public StreamCounter(long start) {
        this.start = start;
        this.last = new AtomicLong(start);
    }

    /**
     * A new position for a write that changes what {@code keys} name; call {@link #done} with it
     * when the write is persisted (or failed).
     */
    public synchronized long next(String... keys) {
        long pos = last.incrementAndGet();
        inFlight.add(pos);
        for (String key : keys) {
            changes.merge(key, pos, Math::max);
        }
        return pos;
    }

    public void done(long pos) {
        inFlight.remove(pos);
    }

    /** The highest position up to which every write is persisted. */
    public synchronized long current() {
        Long first = inFlight.ceiling(Long.MIN_VALUE); // null when empty; done() may empty the set at any moment
        return first == null ? last.get() : first - 1;
    }

    /** The last position given out (its write may not be done yet). */
    public long lastGiven() {
        return last.get();
    }

    /** Whether a write naming {@code key} took a position after {@code position} (or may have, before start). */
    public boolean changedSince(String key, long position) {
        return changes.getOrDefault(key, start) > position;
    }
}
