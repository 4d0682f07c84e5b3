package dev.mxspec.homeserver.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 client for {@code GET /sync} long-polls on one kept-alive connection: it
 * writes the request, reads the status line, headers and a body of {@code Content-Length} bytes,
 * and does nothing else. The latency benchmark's 100 readers use it so that what it measures is
 * the server's time, not a client library's parsing on the same two cores.
 */
final class RawSyncClient implements AutoCloseable {

    /** One sync response: its {@code next_batch} and its body. */
    record Response(String nextBatch, String body) {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String host;
    private final String accessToken;

    RawSyncClient(String host, int port, String accessToken) throws IOException {
        this.socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
        this.host = host + ":" + port;
        this.accessToken = accessToken;
    }

    Response sync(String since, long timeoutMs) throws IOException {
        String request = "GET /_matrix/client/v3/sync?since=" + since + "&timeout=" + timeoutMs + " HTTP/1.1\r\nHost: " + host
                + "\r\nAuthorization: Bearer " + accessToken + "\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException("sync answered " + status);
        }
        int length = -1;
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).equalsIgnoreCase("Content-Length")) {
                length = Integer.parseInt(header.substring(colon + 1).trim());
            }
        }
        if (length < 0) {
            throw new IOException("sync response without Content-Length");
        }
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        int at = body.indexOf("\"next_batch\":\"");
        if (at < 0) {
            throw new IOException("sync response without next_batch: " + body);
        }
        int from = at + "\"next_batch\":\"".length();
        return new Response(body.substring(from, body.indexOf('"', from)), body);
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
