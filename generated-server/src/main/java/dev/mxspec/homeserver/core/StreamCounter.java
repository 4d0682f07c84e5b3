package dev.mxspec.homeserver.core;

import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Positions in the server's streams (events, account data, receipts, ...): one increasing counter.
 * Writers take a position with {@link #next()} and report it {@link #done(long)} once persisted;
 * readers read up to {@link #current()}, below every position still being written, so that a
 * sync token never passes over an event that is not yet visible.
 */
public final class StreamCounter {

    private final AtomicLong last;
    private final ConcurrentSkipListSet<Long> inFlight = new ConcurrentSkipListSet<>();

    public StreamCounter(long start) {
        this.last = new AtomicLong(start);
    }

    /** A new position; call {@link #done} with it when the write is persisted (or failed). */
    public synchronized long next() {
        long pos = last.incrementAndGet();
        inFlight.add(pos);
        return pos;
    }

    public void done(long pos) {
        inFlight.remove(pos);
    }

    /** The highest position up to which every write is persisted. */
    public synchronized long current() {
        Long first = inFlight.isEmpty() ? null : inFlight.first();
        return first == null ? last.get() : first - 1;
    }
}
