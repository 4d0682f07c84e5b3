package dev.mxspec.homeserver.services;

import dev.mxspec.runtime.api.MatrixException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** A token bucket per key (an IP address or a user): {@code M_LIMIT_EXCEEDED} with {@code retry_after_ms} when empty. */
public final class RateLimiter {

    private record Bucket(double tokens, long atMs) {}

    private final double perSecond;
    private final double burst;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(double perSecond, double burst, LongSupplier clock) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.clock = clock;
    }

    /** A limiter that never limits. */
    public static RateLimiter unlimited() {
        return new RateLimiter(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, () -> 0L);
    }

    /** Takes one token for {@code key}, or throws {@code M_LIMIT_EXCEEDED}. */
    public void take(String key) {
        if (perSecond == Double.POSITIVE_INFINITY) {
            return;
        }
        long now = clock.getAsLong();
        long[] retry = {0};
        buckets.compute(key, (k, b) -> {
            double tokens = b == null ? burst : Math.min(burst, b.tokens() + (now - b.atMs()) * perSecond / 1000.0);
            if (tokens < 1) {
                retry[0] = (long) Math.ceil((1 - tokens) * 1000.0 / perSecond);
                return new Bucket(tokens, now);
            }
            return new Bucket(tokens - 1, now);
        });
        if (retry[0] > 0) {
            throw MatrixException.limitExceeded(retry[0]);
        }
    }
}
