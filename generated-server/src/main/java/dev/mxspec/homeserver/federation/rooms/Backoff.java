package dev.mxspec.homeserver.federation.rooms;

/**
 * How long a destination is left alone after failed transactions: {@code initialMs} after the first failure, doubled
 * after each further one, never more than {@code maxMs}.
 */
public record Backoff(long initialMs, long maxMs) {

    /** One second, doubling up to ten minutes. */
    public static final Backoff DEFAULT = new Backoff(1_000, 600_000);

    public Backoff {
        if (initialMs <= 0 || maxMs < initialMs) {
            throw new IllegalArgumentException("backoff needs 0 < initialMs <= maxMs");
        }
    }

    /** The wait after {@code failures} failures in a row (at least 1). */
    public long delayMs(int failures) {
        long delay = initialMs;
        for (int i = 1; i < failures && delay < maxMs; i++) {
            delay *= 2;
        }
        return Math.min(delay, maxMs);
    }
}
