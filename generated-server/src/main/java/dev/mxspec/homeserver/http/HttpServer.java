package dev.mxspec.homeserver.http;

import dev.mxspec.homeserver.core.HttpSettings;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.runtime.server.ServerResponse;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An embedded Jetty 12 server on virtual threads, serving one router. Every answer, Jetty's own
 * refusals included, is Matrix error JSON with CORS headers; slow clients are cut off by the
 * header, body and idle timeouts of {@link HttpSettings}.
 */
public final class HttpServer implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;

    private HttpServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /**
     * What the server needs beside the router.
     *
     * @param maxBodyBytes the largest request body accepted
     * @param settings timeouts and limits
     * @param requestLog where to log each request, or {@code null} for no request log
     */
    public record Options(int maxBodyBytes, HttpSettings settings, RequestLog requestLog) {}

    /** Starts serving on {@code host:port} (port 0: any free port) with default settings and no request log. */
    public static HttpServer start(String host, int port, Function<ServerRequest, ServerResponse> router, int maxBodyBytes)
            throws Exception {
        return start(host, port, router, new Options(maxBodyBytes, HttpSettings.defaults(), null));
    }

    /** Starts serving on {@code host:port} (port 0: any free port). */
    public static HttpServer start(String host, int port, Function<ServerRequest, ServerResponse> router, Options options)
            throws Exception {
        return start(host, port, router, options, null);
    }

    /** Starts serving HTTPS with {@code tls} (its certificate and key) on {@code host:port} (port 0: any free port). */
    public static HttpServer startTls(String host, int port, Function<ServerRequest, ServerResponse> router, Options options,
            SSLContext tls) throws Exception {
        return start(host, port, router, options, java.util.Objects.requireNonNull(tls));
    }

    private static HttpServer start(String host, int port, Function<ServerRequest, ServerResponse> router, Options options, SSLContext tls)
            throws Exception {
        HttpSettings settings = options.settings();
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("mxspec-http");
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server server = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        // Matrix identifiers may hold '/' (event IDs of room versions 3 and later are base64), sent as %2F
        // inside one path segment: the router decodes segments itself, so Jetty must let them through.
        // Everything else ambiguous or malformed (empty segments, bad %-encoding or UTF-8, "..") is refused.
        config.setUriCompliance(UriCompliance.DEFAULT.with("matrix-ids",
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR, UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        config.setHttpCompliance(HttpCompliance.RFC9110);
        config.setRequestHeaderSize(settings.maxHeaderBytes());
        config.setIdleTimeout(settings.idleTimeoutMs());
        config.setSendServerVersion(false);
        HeaderTimeoutConnectionFactory http = new HeaderTimeoutConnectionFactory(config, settings.headerTimeoutMs());
        ServerConnector connector;
        if (tls == null) {
            connector = new ServerConnector(server, http);
        } else {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setSslContext(tls);
            connector = new ServerConnector(server, new SslConnectionFactory(ssl, http.getProtocol()), http);
        }
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(settings.idleTimeoutMs());
        connector.setAcceptQueueSize(settings.acceptBacklog());
        server.addConnector(connector);
        server.setErrorHandler(new MatrixErrorHandler(options.requestLog()));
        server.setHandler(new JettyAdapter(router, options.maxBodyBytes(), settings.bodyTimeoutMs(), options.requestLog()));
        server.start();
        return new HttpServer(server, connector);
    }

    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the HTTP server", e);
        }
    }
}
