package dev.mxspec.homeserver.http;

import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * HTTP/1.1 connections that must deliver a request's line and headers within a time limit once
 * the first byte of the request has arrived. Jetty's idle timeout alone restarts with every byte,
 * so a client sending one byte a second would hold its connection for ever; this closes it.
 * A request whose headers arrive in one read (nearly all of them) costs one state check.
 */
final class HeaderTimeoutConnectionFactory extends HttpConnectionFactory {

    private final long timeoutMs;

    HeaderTimeoutConnectionFactory(HttpConfiguration config, long timeoutMs) {
        super(config);
        this.timeoutMs = timeoutMs;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        HeaderTimeoutConnection connection = new HeaderTimeoutConnection(getHttpConfiguration(), connector, endPoint, timeoutMs);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }

    private static final class HeaderTimeoutConnection extends HttpConnection {

        private final long timeoutNanos;
        private final Scheduler scheduler;
        /** When the head of the request being read began to arrive ({@link System#nanoTime()}); 0 when none is. */
        private volatile long headStartedNanos;

        HeaderTimeoutConnection(HttpConfiguration config, Connector connector, EndPoint endPoint, long timeoutMs) {
            super(config, connector, endPoint);
            this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
            this.scheduler = connector.getScheduler();
        }

        /** Runs on the thread that reads and parses; after it, the parser says whether a request head is half read. */
        @Override
        public void onFillable() {
            super.onFillable();
            HttpParser parser = getParser();
            if (parser.inHeaderState() && !parser.isStart()) {
                if (headStartedNanos == 0) {
                    long started = System.nanoTime() | 1; // never 0
                    headStartedNanos = started;
                    scheduler.schedule(() -> expire(started), timeoutNanos, TimeUnit.NANOSECONDS);
                }
            } else {
                headStartedNanos = 0;
            }
        }

        private void expire(long started) {
            if (headStartedNanos == started) {
                getEndPoint().close(new java.util.concurrent.TimeoutException("request headers not received in time"));
            }
        }
    }
}
