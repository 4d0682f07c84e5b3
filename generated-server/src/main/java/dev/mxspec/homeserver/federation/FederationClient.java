package dev.mxspec.homeserver.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.client.MatrixHttpClient;
import dev.mxspec.runtime.client.RetryPolicy;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.serverserver.ServerKeys;
import dev.mxspec.spec.v1_7.serverserver.client.ServerServerClient;
import dev.mxspec.spec.v1_7.serverserver.endpoints.GetServerKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Requests to other homeservers: the destination found by {@link ServerDiscovery}, its certificate checked
 * against the name discovery gives, each request signed with this server's key ({@code Authorization: X-Matrix},
 * with the destination). Unauthenticated key fetches go through the generated server-server client; signed
 * requests are sent raw, because the generated client's {@link MatrixHttpClient} only knows bearer tokens, while
 * an X-Matrix header is computed from each request's method, URI and body.
 *
 * <p>The JDK client derives the {@code Host} header and the TLS SNI name from the URL, and does not let a caller
 * set {@code Host}. The URL holds the host discovery says to connect to, so with an explicit port, an IP literal
 * or a delegation with a port both are what the spec asks; after an SRV lookup they name the SRV target rather
 * than the delegated hostname (the certificate is still checked against the hostname, as the spec requires).
 */
public final class FederationClient {

    /**
     * A response of another server.
     *
     * @param status the HTTP status
     * @param body the JSON body; an empty object when there was none, or it was not JSON
     */
    public record Response(int status, JsonNode body) {}

    /**
     * A download from another server.
     *
     * @param status the HTTP status
     * @param contentType its {@code Content-Type}, if any
     * @param contentDisposition its {@code Content-Disposition}, if any
     * @param bytes the body
     */
    public record Download(int status, Optional<String> contentType, Optional<String> contentDisposition, byte[] bytes) {}

    /** A download longer than its limit. */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        public TooLarge(String message) {
            super(message);
        }
    }

    private static final int MAX_RESPONSE_BYTES = 16 << 20;

    private final String serverName;
    private final SigningKey key;
    private final FederationTls tls;
    private final ServerDiscovery discovery;
    private final Duration timeout;

    public FederationClient(String serverName, SigningKey key, FederationTls tls, ServerDiscovery discovery, Duration timeout) {
        this.serverName = serverName;
        this.key = key;
        this.tls = tls;
        this.discovery = discovery;
        this.timeout = timeout;
    }

    /** A client discovering servers through well-known answers over {@code tls} and DNS SRV records. */
    public static FederationClient create(String serverName, SigningKey key, FederationTls tls, LongSupplier clock) {
        ServerDiscovery discovery = new ServerDiscovery(new WellKnownLookup(tls::http, WellKnownLookup::httpsLocation, clock), SrvLookup.dns());
        return new FederationClient(serverName, key, tls, discovery, Duration.ofSeconds(30));
    }

    public ServerDiscovery discovery() {
        return discovery;
    }

    /**
     * Sends a signed request.
     *
     * @param destination the server name of the receiving server
     * @param method the HTTP method
     * @param uri the path and query, percent-encoded as sent, starting with {@code /_matrix/}
     * @param body the JSON body, if any
     * @throws IOException when the server cannot be reached, its certificate is refused, or it does not answer in time
     */
    public Response send(String destination, String method, String uri, Optional<JsonNode> body) throws IOException {
        if (!uri.startsWith("/_matrix/")) {
            throw new IllegalArgumentException("not a federation path: " + uri);
        }
        Destination target = resolve(destination);
        XMatrix authorization = RequestSigning.sign(method, uri, serverName, destination, body, key);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.baseUri() + uri))
                .timeout(timeout)
                .header("Authorization", authorization.header())
                .method(method, body.map(b -> HttpRequest.BodyPublishers.ofByteArray(MatrixJson.bytes(b)))
                        .orElseGet(HttpRequest.BodyPublishers::noBody));
        body.ifPresent(b -> request.header("Content-Type", "application/json"));
        try {
            HttpResponse<InputStream> response = tls.http(target.tlsName()).send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] bytes;
            try (InputStream in = response.body()) {
                bytes = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            }
            if (bytes.length > MAX_RESPONSE_BYTES) {
                throw new IOException(destination + " answered with more than " + MAX_RESPONSE_BYTES + " bytes");
            }
            return new Response(response.statusCode(), json(bytes));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * A signed {@code GET} of {@code uri} whose answer is not JSON (media), at most {@code maxBytes} ({@link TooLarge} otherwise,
     * read no further), answered within {@code timeout}.
     */
    public Download download(String destination, String uri, long maxBytes, Duration timeout) throws IOException {
        if (!uri.startsWith("/_matrix/")) {
            throw new IllegalArgumentException("not a Matrix path: " + uri);
        }
        Destination target = resolve(destination);
        XMatrix authorization = RequestSigning.sign("GET", uri, serverName, destination, Optional.empty(), key);
        HttpRequest request = HttpRequest.newBuilder(URI.create(target.baseUri() + uri))
                .timeout(timeout)
                .header("Authorization", authorization.header())
                .GET()
                .build();
        try {
            HttpResponse<InputStream> response = tls.http(target.tlsName()).send(request, HttpResponse.BodyHandlers.ofInputStream());
            byte[] bytes;
            try (InputStream in = response.body()) {
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            }
            if (bytes.length > maxBytes) {
                throw new TooLarge(destination + " sent more than " + maxBytes + " bytes");
            }
            return new Download(response.statusCode(), response.headers().firstValue("Content-Type"),
                    response.headers().firstValue("Content-Disposition"), bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * {@code GET /_matrix/key/v2/server} of {@code destination}, through the generated client: the server's keys as
     * it published them (unchecked: {@link RemoteKeyService} checks them).
     */
    public ObjectNode serverKeys(String destination) throws IOException {
        Destination target = resolve(destination);
        ServerServerClient client = new ServerServerClient(new MatrixHttpClient(target.baseUri(), tls.http(target.tlsName()), RetryPolicy.none()));
        try {
            ServerKeys keys = client.getServerKey(new GetServerKey.Request());
            return (ObjectNode) MatrixJson.tree(keys);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (MatrixException e) {
            throw new IOException(destination + " refused its keys: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IOException(destination + " did not send its keys: " + e.getMessage(), e);
        }
    }

    /** {@code POST /_matrix/key/v2/query} of the notary {@code notary} for {@code serverName}'s keys: its {@code server_keys}, unchecked. */
    public java.util.List<ObjectNode> notaryKeys(String notary, String serverName) throws IOException {
        ObjectNode body = MatrixJson.mapper().createObjectNode();
        body.putObject("server_keys").putObject(serverName);
        Response r = send(notary, "POST", "/_matrix/key/v2/query", Optional.of(body));
        if (r.status() != 200 || !r.body().path("server_keys").isArray()) {
            throw new IOException(notary + " answered its key query with " + r.status());
        }
        java.util.List<ObjectNode> answers = new java.util.ArrayList<>();
        r.body().path("server_keys").forEach(k -> {
            if (k instanceof ObjectNode o) {
                answers.add(o);
            }
        });
        return answers;
    }

    private Destination resolve(String destination) throws IOException {
        try {
            return discovery.resolve(destination);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private static JsonNode json(byte[] bytes) {
        try {
            JsonNode json = bytes.length == 0 ? null : MatrixJson.mapper().readTree(bytes);
            return json == null ? MatrixJson.mapper().createObjectNode() : json;
        } catch (IOException e) {
            return MatrixJson.mapper().createObjectNode();
        }
    }
}
