package dev.mxspec.homeserver.http;

import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.runtime.server.ServerResponse;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** An embedded Jetty 12 server on virtual threads, serving one router. */
public final class HttpServer implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;

    private HttpServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    /** Starts serving on {@code host:port} (port 0: any free port). */
    public static HttpServer start(String host, int port, Function<ServerRequest, ServerResponse> router, int maxBodyBytes)
            throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("mxspec-http");
        threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        Server server = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        // Matrix identifiers may hold '/' (event IDs of room versions 3 and later are base64), sent as %2F
        // inside one path segment: the router decodes segments itself, so Jetty must let them through.
        config.setUriCompliance(UriCompliance.DEFAULT.with("matrix-ids",
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR, UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        config.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config));
        connector.setHost(host);
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new JettyAdapter(router, maxBodyBytes));
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
