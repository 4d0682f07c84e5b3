package dev.mxspec.runtime.client;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.api.Endpoint;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.api.PathCodec;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Sends the requests of generated clients over the JDK's HttpClient (or another {@link Transport}): builds the URL from the
 * endpoint metadata, adds the access token where the endpoint requires one, turns error
 * responses into {@link MatrixException}s, retries {@code M_LIMIT_EXCEEDED} after
 * {@code retry_after_ms}, retries requests that are safe to repeat (GET, PUT with a transaction
 * ID, DELETE) after network errors with a growing pause, and refreshes an expired access token
 * when given a {@link TokenRefresher}.
 */
public final class MatrixHttpClient {

    /** A request ready to send. Query values repeat for list parameters. */
    public record Call(Endpoint endpoint, Map<String, String> path, Map<String, List<String>> query,
            Map<String, String> headers, Object body) {}

    /**
     * What sends a built request and reads the whole response body: the JDK's HttpClient by default; a server may give
     * another (one that checks the addresses a host name resolves to as it connects, say).
     */
    @FunctionalInterface
    public interface Transport {
        CompletableFuture<HttpResponse<byte[]>> send(HttpRequest request);
    }

    private final URI baseUrl;
    private final Transport http;
    private final RetryPolicy retry;
    private volatile String accessToken;
    private volatile TokenRefresher refresher;
    private final Object refreshLock = new Object();

    /** Trades an expired access token for a new one (the SDK calls {@code POST /refresh}). */
    @FunctionalInterface
    public interface TokenRefresher {
        /** Returns the new access token; throws when the session cannot be refreshed. */
        String refresh(String expiredToken);
    }

    public MatrixHttpClient(URI baseUrl, HttpClient http, RetryPolicy retry) {
        this(baseUrl, request -> http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()), retry);
    }

    public MatrixHttpClient(URI baseUrl, Transport http, RetryPolicy retry) {
        String base = baseUrl.toString();
        this.baseUrl = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.http = http;
        this.retry = retry;
    }

    public static MatrixHttpClient create(URI baseUrl) {
        return new MatrixHttpClient(baseUrl, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(),
                RetryPolicy.defaults());
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /** The token sent to endpoints that require authentication; {@code null} to send none. */
    public void accessToken(String token) {
        this.accessToken = token;
    }

    public String accessToken() {
        return accessToken;
    }

    /**
     * What to do when the server reports the access token expired ({@code M_UNKNOWN_TOKEN} with
     * {@code soft_logout: true}): the refresher gets a new token once, then the request is sent
     * again. Concurrent requests that fail on the same token share one refresh.
     */
    public void tokenRefresher(TokenRefresher refresher) {
        this.refresher = refresher;
    }

    /** Sends and waits; the JSON response body is read as {@code responseType}. */
    public <T> T send(Call call, JavaType responseType) {
        return join(this.<T>sendAsync(call, responseType));
    }

    public <T> CompletableFuture<T> sendAsync(Call call, JavaType responseType) {
        return attempt(call, 0).thenApply(response -> MatrixHttpClient.<T>read(response.body(), responseType, call));
    }

    /** Waits for an async call, unwrapping its failure. */
    public static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new UncheckedIOException(new IOException(e.getCause()));
        }
    }

    /** Sends and returns the raw response body (media downloads). */
    public CompletableFuture<HttpResponse<byte[]>> sendRawAsync(Call call) {
        return attempt(call, 0);
    }

    private CompletableFuture<HttpResponse<byte[]>> attempt(Call call, int attempt) {
        return attempt(call, attempt, false);
    }

    private CompletableFuture<HttpResponse<byte[]>> attempt(Call call, int attempt, boolean refreshed) {
        String token = accessToken;
        HttpRequest request = build(call, token);
        return http.send(request).handle((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                if (cause instanceof IOException && idempotent(call) && attempt < retry.maxRetries()) {
                    // the request may or may not have arrived: only requests that are safe to repeat are sent again
                    long wait = Math.min(retry.maxWaitMs(), retry.defaultWaitMs() << attempt);
                    return later(wait, () -> attempt(call, attempt + 1, refreshed));
                }
                return CompletableFuture.<HttpResponse<byte[]>>failedFuture(cause);
            }
            if (response.statusCode() >= 200 && response.statusCode() < 300) {
                return CompletableFuture.completedFuture(response);
            }
            MatrixException error = error(response);
            if (error.errcode().equals(ErrorCodes.M_LIMIT_EXCEEDED) && attempt < retry.maxRetries()) {
                long wait = Math.min(retry.maxWaitMs(), error.retryAfterMs().orElse(retry.defaultWaitMs()));
                return later(wait, () -> attempt(call, attempt + 1, refreshed));
            }
            TokenRefresher refresh = refresher;
            if (softLogout(error) && refresh != null && !refreshed && call.endpoint().authenticated() && token != null) {
                return CompletableFuture.supplyAsync(() -> refreshOnce(refresh, token), task -> Thread.ofVirtual().start(task))
                        .thenCompose(ignored -> attempt(call, attempt, true));
            }
            return CompletableFuture.<HttpResponse<byte[]>>failedFuture(error);
        }).thenCompose(next -> next);
    }

    private String refreshOnce(TokenRefresher refresh, String expired) {
        synchronized (refreshLock) {
            if (expired.equals(accessToken)) {
                accessToken = refresh.refresh(expired);
            }
            return accessToken;
        }
    }

    private static boolean softLogout(MatrixException error) {
        return error.status() == 401 && error.errcode().equals(ErrorCodes.M_UNKNOWN_TOKEN)
                && error.body().path("soft_logout").asBoolean(false);
    }

    private static boolean idempotent(Call call) {
        return switch (call.endpoint().method()) {
            case "GET", "HEAD", "PUT", "DELETE", "OPTIONS" -> true;
            default -> false;
        };
    }

    private static <T> CompletableFuture<T> later(long waitMs, java.util.function.Supplier<CompletableFuture<T>> next) {
        return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(waitMs, TimeUnit.MILLISECONDS))
                .thenCompose(ignored -> next.get());
    }

    private HttpRequest build(Call call, String token) {
        StringBuilder url = new StringBuilder(baseUrl.toString()).append(call.endpoint().expand(call.path()));
        char sep = '?';
        for (Map.Entry<String, List<String>> q : call.query().entrySet()) {
            for (String value : q.getValue()) {
                url.append(sep).append(PathCodec.encodeSegment(q.getKey())).append('=').append(PathCodec.encodeSegment(value));
                sep = '&';
            }
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url.toString()));
        call.headers().forEach(builder::header);
        if (call.endpoint().authenticated() && token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        HttpRequest.BodyPublisher body;
        if (call.body() == null) {
            body = HttpRequest.BodyPublishers.noBody();
        } else if (call.body() instanceof byte[] bytes) {
            body = HttpRequest.BodyPublishers.ofByteArray(bytes);
        } else {
            body = HttpRequest.BodyPublishers.ofString(MatrixJson.write(call.body()));
            builder.header("Content-Type", "application/json");
        }
        return builder.method(call.endpoint().method(), body).build();
    }

    private static <T> T read(byte[] body, JavaType type, Call call) {
        try {
            if (body.length == 0 && type.getRawClass() == Void.class) {
                return null;
            }
            return MatrixJson.mapper().readValue(body, type);
        } catch (IOException e) {
            throw new MatrixException(502, "M_BAD_JSON", "response of " + call.endpoint() + " does not fit "
                    + type.getRawClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static MatrixException error(HttpResponse<byte[]> response) {
        try {
            JsonNode json = MatrixJson.mapper().readTree(response.body());
            if (json instanceof ObjectNode object && object.hasNonNull("errcode")) {
                return new MatrixException(response.statusCode(), object.get("errcode").asText(),
                        object.path("error").asText(""), object);
            }
        } catch (IOException e) {
            // not JSON: fall through
        }
        return new MatrixException(response.statusCode(), ErrorCodes.M_UNKNOWN, "HTTP " + response.statusCode());
    }
}
