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
 * Sends the requests of generated clients over the JDK's HttpClient: builds the URL from the
 * endpoint metadata, adds the access token where the endpoint requires one, turns error
 * responses into {@link MatrixException}s and retries {@code M_LIMIT_EXCEEDED} after
 * {@code retry_after_ms}.
 */
public final class MatrixHttpClient {

    /** A request ready to send. Query values repeat for list parameters. */
    public record Call(Endpoint endpoint, Map<String, String> path, Map<String, List<String>> query,
            Map<String, String> headers, Object body) {}

    private final URI baseUrl;
    private final HttpClient http;
    private final RetryPolicy retry;
    private volatile String accessToken;

    public MatrixHttpClient(URI baseUrl, HttpClient http, RetryPolicy retry) {
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
        HttpRequest request = build(call);
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).thenCompose(response -> {
            if (response.statusCode() >= 200 && response.statusCode() < 300) {
                return CompletableFuture.completedFuture(response);
            }
            MatrixException error = error(response);
            if (error.errcode().equals(ErrorCodes.M_LIMIT_EXCEEDED) && attempt < retry.maxRetries()) {
                long wait = Math.min(retry.maxWaitMs(), error.retryAfterMs().orElse(retry.defaultWaitMs()));
                return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS))
                        .thenCompose(ignored -> attempt(call, attempt + 1));
            }
            return CompletableFuture.failedFuture(error);
        });
    }

    private HttpRequest build(Call call) {
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
        String token = accessToken;
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
