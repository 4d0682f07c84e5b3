package dev.mxspec.homeserver.core;

import java.util.concurrent.atomic.AtomicLong;

/** Positions in the server's streams (events, account data, receipts, ...): one increasing counter. */
public final class StreamCounter {

    private final AtomicLong last;

    public StreamCounter(long start) {
        this.last = new AtomicLong(start);
    }

    public long next() {
        return last.incrementAndGet();
    }

    public long current() {
        return last.get();
    }
}
