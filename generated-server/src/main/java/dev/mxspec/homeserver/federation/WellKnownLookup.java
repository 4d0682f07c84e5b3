package dev.mxspec.homeserver.federation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET https://<hostname>/.well-known/matrix/server} with its cache: redirects followed (the JDK client's
 * {@code NORMAL} policy, which ends loops after a few hops and never goes from HTTPS to HTTP), answers kept as
 * {@code Cache-Control: max-age} says, 24 hours without it and at most 48 hours; failures (bad JSON, no
 * {@code m.server}, another status, no connection) kept for an hour.
 */
public final class WellKnownLookup {

    static final long DEFAULT_CACHE_MS = 24 * 3600_000L;
    static final long MAX_CACHE_MS = 48 * 3600_000L;
    static final long ERROR_CACHE_MS = 3600_000L;
    private static final int MAX_BYTES = 64 * 1024;
    private static final Pattern MAX_AGE = Pattern.compile("(?:^|[,\\s])max-age\\s*=\\s*\"?([0-9]+)");

    private record Cached(Optional<String> server, long expiresTs) {}

    private final Function<String, HttpClient> clients;
    private final Function<String, URI> location;
    private final LongSupplier clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * @param clients the HTTP client for a hostname (its TLS checks the certificate against that name)
     * @param location the well-known URL of a hostname ({@link #httpsLocation} except in tests)
     */
    public WellKnownLookup(Function<String, HttpClient> clients, Function<String, URI> location, LongSupplier clock) {
        this.clients = clients;
        this.location = location;
        this.clock = clock;
    }

    /** {@code https://<hostname>/.well-known/matrix/server}. */
    public static URI httpsLocation(String hostname) {
        return URI.create("https://" + hostname + "/.well-known/matrix/server");
    }

    /** The {@code m.server} of {@code hostname}'s well-known answer, from the cache while it is fresh. */
    public Optional<String> delegatedServer(String hostname) {
        long now = clock.getAsLong();
        Cached cached = cache.get(hostname);
        if (cached != null && cached.expiresTs() > now) {
            return cached.server();
        }
        Cached fresh = fetch(hostname, now);
        cache.put(hostname, fresh);
        return fresh.server();
    }

    private Cached fetch(String hostname, long now) {
        try {
            HttpRequest request = HttpRequest.newBuilder(location.apply(hostname)).timeout(Duration.ofSeconds(10)).GET().build();
            HttpResponse<InputStream> response = clients.apply(hostname).send(request, HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_BYTES + 1);
            }
            if (response.statusCode() != 200 || body.length > MAX_BYTES) {
                return new Cached(Optional.empty(), now + ERROR_CACHE_MS);
            }
            JsonNode json = MatrixJson.mapper().readTree(body);
            JsonNode server = json == null ? null : json.get("m.server");
            if (server == null || !server.isTextual() || !dev.mxspec.runtime.server.PathGrammar.serverName(server.textValue())) {
                return new Cached(Optional.empty(), now + ERROR_CACHE_MS);
            }
            return new Cached(Optional.of(server.textValue()), now + cacheMs(response.headers().firstValue("cache-control")));
        } catch (IOException | RuntimeException e) {
            return new Cached(Optional.empty(), now + ERROR_CACHE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Cached(Optional.empty(), now + ERROR_CACHE_MS);
        }
    }

    /** How long to keep an answer with this {@code Cache-Control} header. */
    static long cacheMs(Optional<String> cacheControl) {
        if (cacheControl.isEmpty()) {
            return DEFAULT_CACHE_MS;
        }
        String value = cacheControl.get().toLowerCase(java.util.Locale.ROOT);
        if (value.contains("no-store") || value.contains("no-cache")) {
            return 0;
        }
        Matcher m = MAX_AGE.matcher(value);
        if (!m.find()) {
            return DEFAULT_CACHE_MS;
        }
        try {
            return Math.min(Long.parseLong(m.group(1)) * 1000, MAX_CACHE_MS);
        } catch (NumberFormatException e) {
            return MAX_CACHE_MS;
        }
    }
}
