package dev.mxspec.runtime.client;

/**
 * How the client retries rate-limited requests ({@code M_LIMIT_EXCEEDED}) and requests that are
 * safe to repeat (GET, PUT, DELETE) after a network error.
 *
 * @param maxRetries how many times to retry one request
 * @param defaultWaitMs the wait when the server gives no {@code retry_after_ms}; after network
 *     errors the first pause, doubled on each further attempt
 * @param maxWaitMs the longest wait the client accepts
 */
public record RetryPolicy(int maxRetries, long defaultWaitMs, long maxWaitMs) {

    public static RetryPolicy defaults() {
        return new RetryPolicy(3, 1_000, 30_000);
    }

    public static RetryPolicy none() {
        return new RetryPolicy(0, 0, 0);
    }
}
