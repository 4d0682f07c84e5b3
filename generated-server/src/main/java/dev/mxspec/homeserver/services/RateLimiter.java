package dev.mxspec.homeserver.services;

import dev.mxspec.homeserver.core.RateLimits;
import dev.mxspec.runtime.api.MatrixException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (an IP address or a user): {@code M_LIMIT_EXCEEDED} with {@code retry_after_ms} when empty.
 * Buckets that have filled up again are forgotten once there are many, so keys chosen by clients cannot fill the memory.
 */
public final class RateLimiter {

    private record Bucket(double tokens, long atMs) {}

    /** How many buckets may be kept before full ones are dropped. */
    private static final int SWEEP_AT = 10_000;

    private final double perSecond;
    private final double burst;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    /** At most one sweep a second, however many keys there are. */
    private volatile long lastSweepMs = Long.MIN_VALUE / 2;
    /** When not null, keys {@code prefix:rest} go to the limiter of their prefix (no limit for other prefixes). */
    private final Map<String, RateLimiter> byPrefix;

    public RateLimiter(double perSecond, double burst, LongSupplier clock) {
        this(perSecond, burst, clock, null);
    }

    private RateLimiter(double perSecond, double burst, LongSupplier clock, Map<String, RateLimiter> byPrefix) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.clock = clock;
        this.byPrefix = byPrefix;
    }

    /** A limiter that never limits. */
    public static RateLimiter unlimited() {
        return new RateLimiter(Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, () -> 0L);
    }

    /** The limiter a configured limit describes ({@link #unlimited()} when it is off). */
    public static RateLimiter of(RateLimits.Limit limit, LongSupplier clock) {
        return limit.isOff() ? unlimited() : new RateLimiter(limit.perSecond(), limit.burstCount(), clock);
    }

    /**
     * One limiter for keys of several kinds: a key {@code "login:1.2.3.4"} is limited by the limiter given for
     * {@code "login"}; keys of a prefix not given are not limited.
     */
    public static RateLimiter byKeyPrefix(Map<String, RateLimiter> limiters) {
        return new RateLimiter(0, 0, () -> 0L, Map.copyOf(limiters));
    }

    /** Takes one token for {@code key}, or throws {@code M_LIMIT_EXCEEDED}. */
    public void take(String key) {
        if (byPrefix != null) {
            RateLimiter limiter = delegate(key);
            if (limiter != null) {
                limiter.take(key);
            }
            return;
        }
        if (perSecond == Double.POSITIVE_INFINITY) {
            return;
        }
        long now = clock.getAsLong();
        long[] retry = {0};
        buckets.compute(key, (k, b) -> {
            double tokens = tokens(b, now);
            if (tokens < 1) {
                retry[0] = retryAfterMs(tokens);
                return new Bucket(tokens, now);
            }
            return new Bucket(tokens - 1, now);
        });
        sweepIfLarge(now);
        if (retry[0] > 0) {
            throw MatrixException.limitExceeded(retry[0]);
        }
    }

    /** Throws {@code M_LIMIT_EXCEEDED} when {@code key} has no token left, without taking one. */
    public void check(String key) {
        if (perSecond == Double.POSITIVE_INFINITY || byPrefix != null) {
            return;
        }
        Bucket b = buckets.get(key);
        double tokens = tokens(b, clock.getAsLong());
        if (tokens < 1) {
            throw MatrixException.limitExceeded(retryAfterMs(tokens));
        }
    }

    /** Takes one token for {@code key} if there is one; never throws (for counting failures). */
    public void record(String key) {
        if (perSecond == Double.POSITIVE_INFINITY || byPrefix != null) {
            return;
        }
        long now = clock.getAsLong();
        buckets.compute(key, (k, b) -> new Bucket(Math.max(0, tokens(b, now) - 1), now));
        sweepIfLarge(now);
    }

    /** Gives {@code key} a full bucket again. */
    public void reset(String key) {
        buckets.remove(key);
    }

    private RateLimiter delegate(String key) {
        int colon = key.indexOf(':');
        return colon < 0 ? null : byPrefix.get(key.substring(0, colon));
    }

    private double tokens(Bucket b, long now) {
        return b == null ? burst : Math.min(burst, b.tokens() + (now - b.atMs()) * perSecond / 1000.0);
    }

    private long retryAfterMs(double tokens) {
        return Math.max(1, (long) Math.ceil((1 - tokens) * 1000.0 / perSecond));
    }

    private void sweepIfLarge(long now) {
        if (buckets.size() > SWEEP_AT && now - lastSweepMs >= 1000) {
            lastSweepMs = now;
            buckets.entrySet().removeIf(e -> tokens(e.getValue(), now) >= burst);
        }
    }
}
