package dev.mxspec.homeserver.appservice;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import dev.mxspec.runtime.api.Endpoint;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.client.MatrixHttpClient;
import dev.mxspec.runtime.client.RetryPolicy;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.appservice.ApplicationServiceSendTransactionRequest;
import dev.mxspec.spec.v1_7.appservice.Location;
import dev.mxspec.spec.v1_7.appservice.PingRequest;
import dev.mxspec.spec.v1_7.appservice.Protocol;
import dev.mxspec.spec.v1_7.appservice.User;
import dev.mxspec.spec.v1_7.appservice.client.ApplicationServiceClient;
import dev.mxspec.spec.v1_7.appservice.endpoints.GetProtocolMetadata;
import dev.mxspec.spec.v1_7.appservice.endpoints.Ping;
import dev.mxspec.spec.v1_7.appservice.endpoints.QueryLocationByAlias;
import dev.mxspec.spec.v1_7.appservice.endpoints.QueryLocationByProtocol;
import dev.mxspec.spec.v1_7.appservice.endpoints.QueryRoomByAlias;
import dev.mxspec.spec.v1_7.appservice.endpoints.QueryUserByID;
import dev.mxspec.spec.v1_7.appservice.endpoints.QueryUserById;
import dev.mxspec.spec.v1_7.appservice.endpoints.QueryUserByProtocol;
import dev.mxspec.spec.v1_7.appservice.endpoints.SendTransaction;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The homeserver's calls to one application service, on the generated application-service client, at the
 * registration's {@code url}. Every request carries the {@code hs_token} in the {@code Authorization} header (v1.4);
 * the legacy {@code access_token} query parameter is not sent (the spec has servers send it only to support legacy
 * versions, and Synapse sends it only when told to), so the token never shows in a URL or a log. A call the service
 * answers as an unknown endpoint (404 or 405 without a Matrix error other than {@code M_UNRECOGNIZED}, or 501) is
 * made again on the legacy route the spec lists ({@code /transactions/{txnId}}, {@code /users/{userId}},
 * {@code /rooms/{roomAlias}}, {@code /_matrix/app/unstable/thirdparty/...}); the new route is always tried first, so
 * an updated service is used through it at once. Every request has a timeout.
 */
public final class AppServiceClient {

    /** How long each kind of call may take before it counts as unanswered. */
    public record Timeouts(Duration transaction, Duration query, Duration ping) {
        /** Transactions 30 s (up to 100 events each), queries 10 s (the service may create a user or room meanwhile), ping 10 s. */
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    /** The answer to a user or alias query. */
    public enum QueryAnswer {
        /** The service answered 200: the user or alias exists now. */
        EXISTS,
        /** The service answered otherwise (404, another status, a refused connection): it does not. */
        UNKNOWN,
        /** The service did not answer in time. */
        NO_ANSWER
    }

    /** The outcome of a ping. */
    public sealed interface PingResult {
        /** The service answered with a success, after {@code durationMs}. */
        record Answered(long durationMs) implements PingResult {}

        /** The service answered with a status that is no success; its body as text. */
        record BadStatus(int status, String body) implements PingResult {}

        /** No answer in time. */
        record TimedOut() implements PingResult {}

        /** No connection, or it broke. */
        record Unreachable(String why) implements PingResult {}
    }

    /** Of a service's answer, only this much text is kept for a ping's {@code M_BAD_STATUS}. */
    private static final int MAX_BODY_CHARS = 4096;
    private static final JavaType NOTHING = MatrixJson.mapper().constructType(Void.class);
    private static final String V1 = "/_matrix/app/v1";

    private final Registration service;
    private final URI base;
    private final MatrixHttpClient transactions;
    private final ApplicationServiceClient queries;
    private final HttpClient http;
    private final Timeouts timeouts;

    private AppServiceClient(Registration service, URI base, HttpClient http, Timeouts timeouts) {
        this.service = service;
        this.base = base;
        this.http = http;
        this.timeouts = timeouts;
        this.transactions = new MatrixHttpClient(base, timed(http, timeouts.transaction()), RetryPolicy.none());
        this.transactions.accessToken(service.hsToken());
        MatrixHttpClient queryHttp = new MatrixHttpClient(base, timed(http, timeouts.query()), RetryPolicy.none());
        queryHttp.accessToken(service.hsToken());
        this.queries = new ApplicationServiceClient(queryHttp);
    }

    /** The client of a service; empty when its registration has no {@code url} (a service that wants no traffic). */
    public static Optional<AppServiceClient> of(Registration service, HttpClient http, Timeouts timeouts) {
        return service.url().map(url -> {
            String s = url.toString();
            return new AppServiceClient(service, URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s), http, timeouts);
        });
    }

    /** An HTTP client for services: a connect timeout, no redirects. */
    public static HttpClient httpClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public Registration service() {
        return service;
    }

    /** {@code PUT /transactions/{txnId}}: completes when the service answered with a success, fails otherwise. */
    public CompletableFuture<Void> sendTransaction(String txnId, ApplicationServiceSendTransactionRequest body) {
        // read as nothing: a service that answers 200 with an empty body (not the {} the spec asks for) took the events too
        MatrixHttpClient.Call call = new MatrixHttpClient.Call(SendTransaction.ENDPOINT, Map.of("txnId", txnId), Map.of(), Map.of(), body);
        return withLegacyRoute(transactions.sendAsync(call, NOTHING), transactions, call, NOTHING);
    }

    /** {@code GET /users/{userId}}: whether the service has (now) made the user. */
    public CompletableFuture<QueryAnswer> queryUser(String userId) {
        return answer(withLegacyRoute(queries.queryUserByIdAsync(new QueryUserById.Request(userId)), queries.http(),
                call(QueryUserById.ENDPOINT, Map.of("userId", userId), Map.of()), type(QueryUserById.RESPONSE)));
    }

    /** {@code GET /rooms/{roomAlias}}: whether the service has (now) made the alias. */
    public CompletableFuture<QueryAnswer> queryAlias(String alias) {
        return answer(withLegacyRoute(queries.queryRoomByAliasAsync(new QueryRoomByAlias.Request(alias)), queries.http(),
                call(QueryRoomByAlias.ENDPOINT, Map.of("roomAlias", alias), Map.of()), type(QueryRoomByAlias.RESPONSE)));
    }

    /** {@code GET /thirdparty/protocol/{protocol}}. */
    public CompletableFuture<Protocol> protocol(String protocol) {
        return withLegacyRoute(queries.getProtocolMetadataAsync(new GetProtocolMetadata.Request(protocol)), queries.http(),
                call(GetProtocolMetadata.ENDPOINT, Map.of("protocol", protocol), Map.of()), type(GetProtocolMetadata.RESPONSE));
    }

    /** {@code GET /thirdparty/location/{protocol}} with the search fields. */
    public CompletableFuture<List<Location>> locations(String protocol, Map<String, String> fields) {
        return withLegacyRoute(queries.queryLocationByProtocolAsync(new QueryLocationByProtocol.Request(protocol, fields)), queries.http(),
                call(QueryLocationByProtocol.ENDPOINT, Map.of("protocol", protocol), fields), type(QueryLocationByProtocol.RESPONSE));
    }

    /** {@code GET /thirdparty/user/{protocol}} with the search fields. */
    public CompletableFuture<List<User>> users(String protocol, Map<String, String> fields) {
        return withLegacyRoute(queries.queryUserByProtocolAsync(new QueryUserByProtocol.Request(protocol, fields)), queries.http(),
                call(QueryUserByProtocol.ENDPOINT, Map.of("protocol", protocol), fields), type(QueryUserByProtocol.RESPONSE));
    }

    /** {@code GET /thirdparty/location?alias=}. */
    public CompletableFuture<List<Location>> locationsOfAlias(String alias) {
        return withLegacyRoute(queries.queryLocationByAliasAsync(new QueryLocationByAlias.Request(Optional.of(alias))), queries.http(),
                call(QueryLocationByAlias.ENDPOINT, Map.of(), Map.of("alias", alias)), type(QueryLocationByAlias.RESPONSE));
    }

    /** {@code GET /thirdparty/user?userid=}. */
    public CompletableFuture<List<User>> usersOfUserId(String userId) {
        return withLegacyRoute(queries.queryUserByIDAsync(new QueryUserByID.Request(Optional.of(userId))), queries.http(),
                call(QueryUserByID.ENDPOINT, Map.of(), Map.of("userid", userId)), type(QueryUserByID.RESPONSE));
    }

    /**
     * {@code POST /ping} (v1.7), with the caller's transaction ID if given. Made with the JDK client on the generated
     * endpoint's path, because the caller wants the service's own status and body text when it fails.
     */
    public PingResult ping(Optional<String> transactionId) {
        String body = MatrixJson.write(new PingRequest(transactionId, Map.of()));
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + Ping.ENDPOINT.expand(Map.of())))
                .timeout(timeouts.ping())
                .header("Authorization", "Bearer " + service.hsToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        long start = System.nanoTime();
        try {
            HttpResponse<byte[]> response = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).get();
            long ms = Math.round((System.nanoTime() - start) / 1_000_000.0);
            if (response.statusCode() >= 200 && response.statusCode() < 300) {
                return new PingResult.Answered(ms);
            }
            String text = new String(response.body(), StandardCharsets.UTF_8);
            return new PingResult.BadStatus(response.statusCode(), text.length() > MAX_BODY_CHARS ? text.substring(0, MAX_BODY_CHARS) : text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PingResult.Unreachable("interrupted");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof HttpTimeoutException) {
                return new PingResult.TimedOut();
            }
            return new PingResult.Unreachable(cause == null ? "unknown" : cause.getClass().getSimpleName());
        }
    }

    /** The cause of a failed call, without the future's wrapping. */
    public static Throwable cause(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Whether a failed call got no answer in time. */
    public static boolean timedOut(Throwable failure) {
        return cause(failure) instanceof HttpTimeoutException;
    }

    /** A short description of a failure for the log: a status, or the kind of network failure (never a token or URL query). */
    public static String describe(Throwable failure) {
        Throwable t = cause(failure);
        if (t instanceof MatrixException m) {
            return "status " + m.status() + (m.errcode().isEmpty() ? "" : " " + m.errcode());
        }
        return t instanceof HttpTimeoutException ? "no answer in time" : t.getClass().getSimpleName();
    }

    private static CompletableFuture<QueryAnswer> answer(CompletableFuture<?> call) {
        return call.handle((ok, failure) -> failure == null ? QueryAnswer.EXISTS
                : timedOut(failure) ? QueryAnswer.NO_ANSWER : QueryAnswer.UNKNOWN);
    }

    private static MatrixHttpClient.Call call(Endpoint endpoint, Map<String, String> path, Map<String, String> query) {
        Map<String, List<String>> values = new java.util.LinkedHashMap<>();
        query.forEach((k, v) -> values.put(k, List.of(v)));
        return new MatrixHttpClient.Call(endpoint, path, values, Map.of(), null);
    }

    private static JavaType type(TypeReference<?> type) {
        return MatrixJson.mapper().constructType(type);
    }

    /** The call made again on its legacy route when the service does not know the new one. */
    private static <T> CompletableFuture<T> withLegacyRoute(CompletableFuture<T> first, MatrixHttpClient http, MatrixHttpClient.Call call,
            JavaType type) {
        return first.exceptionallyCompose(failure -> {
            Throwable t = cause(failure);
            Optional<Endpoint> legacy = legacy(call.endpoint());
            if (t instanceof MatrixException m && unknownEndpoint(m) && legacy.isPresent()) {
                return http.<T>sendAsync(new MatrixHttpClient.Call(legacy.get(), call.path(), call.query(), call.headers(), call.body()), type);
            }
            return CompletableFuture.failedFuture(t);
        });
    }

    /** An answer that says the route is unknown (as Synapse tells it: 404 or 405 without another Matrix error; or 501). */
    static boolean unknownEndpoint(MatrixException m) {
        boolean noOtherError = m.errcode().equals(ErrorCodes.M_UNRECOGNIZED)
                || m.errcode().equals(ErrorCodes.M_UNKNOWN) && m.error().startsWith("HTTP "); // what the client makes of a body that is no Matrix error
        return (m.status() == 404 || m.status() == 405) && noOtherError || m.status() == 501;
    }

    /** The route earlier drafts used for an endpoint ("Legacy routes"); empty for those without one (ping). */
    static Optional<Endpoint> legacy(Endpoint e) {
        String path = e.path();
        String legacyPath;
        if (path.startsWith(V1 + "/thirdparty/")) {
            legacyPath = "/_matrix/app/unstable" + path.substring(V1.length());
        } else if (path.startsWith(V1 + "/transactions/") || path.startsWith(V1 + "/users/") || path.startsWith(V1 + "/rooms/")) {
            legacyPath = path.substring(V1.length());
        } else {
            return Optional.empty();
        }
        return Optional.of(new Endpoint(e.name(), e.method(), legacyPath, e.pathParams(), e.queryParams(), e.headerParams(), e.hasBody(),
                e.auth(), e.rateLimited(), e.addedIn(), e.changedIn(), e.deprecated()));
    }

    @Override
    public String toString() {
        return "AppServiceClient[" + service.id() + "]";
    }

    /**
     * Requests over {@code http}, each with {@code timeout} (the generated clients' requests have none): a service that
     * takes the connection and never answers fails the request with an {@link HttpTimeoutException}, and
     * its exchange is given up, instead of being waited on forever.
     */
    static MatrixHttpClient.Transport timed(HttpClient http, Duration timeout) {
        return request -> http.sendAsync(request.timeout().isPresent() ? request : HttpRequest.newBuilder(request, (name, value) -> true)
                .timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
