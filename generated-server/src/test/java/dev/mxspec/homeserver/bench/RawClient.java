package dev.mxspec.homeserver.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 client for {@code /sync} long-polls and sends on one kept-alive connection:
 * it writes the request, reads the status line, headers and a body of {@code Content-Length}
 * bytes, and does nothing else. The benchmarks use it so that what they measure is the server's
 * time, not a client library's on the same two cores.
 */
final class RawClient implements AutoCloseable {

    /** One sync response: its {@code next_batch} and its body. */
    record Response(String nextBatch, String body) {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String host;
    private final String accessToken;

    RawClient(String host, int port, String accessToken) throws IOException {
        this.socket = new Socket(host, port);
        socket.setTcpNoDelay(true);
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
        this.host = host + ":" + port;
        this.accessToken = accessToken;
    }

    Response sync(String since, long timeoutMs) throws IOException {
        requestSync(since, timeoutMs);
        return syncResponse();
    }

    /** Writes a {@code /sync} request; {@link #syncResponse} reads its answer. */
    void requestSync(String since, long timeoutMs) throws IOException {
        request("GET", "/_matrix/client/v3/sync?since=" + since + "&timeout=" + timeoutMs, null);
    }

    Response syncResponse() throws IOException {
        String body = response("GET /sync");
        int at = body.indexOf("\"next_batch\":\"");
        if (at < 0) {
            throw new IOException("sync response without next_batch: " + body);
        }
        int from = at + "\"next_batch\":\"".length();
        return new Response(body.substring(from, body.indexOf('"', from)), body);
    }

    /** {@code PUT /rooms/{roomId}/send/m.room.message/{txnId}}; the response body. */
    String send(String roomId, String txnId, String json) throws IOException {
        return exchange("PUT", "/_matrix/client/v3/rooms/" + java.net.URLEncoder.encode(roomId, StandardCharsets.UTF_8)
                + "/send/m.room.message/" + txnId, json);
    }

    private String exchange(String method, String target, String json) throws IOException {
        request(method, target, json);
        return response(method + " " + target);
    }

    private void request(String method, String target, String json) throws IOException {
        byte[] content = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        String request = method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + accessToken
                + (json == null ? "" : "\r\nContent-Type: application/json\r\nContent-Length: " + content.length) + "\r\n\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.write(content);
        out.flush();
    }

    private String response(String what) throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException(what + " answered " + status);
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
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
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
