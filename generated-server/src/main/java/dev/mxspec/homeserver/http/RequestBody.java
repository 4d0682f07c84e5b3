package dev.mxspec.homeserver.http;

import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body whole, within a size limit ({@code 413 M_TOO_LARGE}) and a time limit
 * counted from the end of the headers ({@code 408 M_UNKNOWN}), so a client that stalls or trickles
 * its body cannot hold a thread for longer. Waits on the virtual thread that handles the request.
 */
final class RequestBody {

    private static final byte[] EMPTY = new byte[0];

    private RequestBody() {}

    /** The body; a Matrix error when it is too large, too slow or broken off. */
    static byte[] read(Request request, int maxBytes, long deadlineNanos) {
        long declared = request.getLength();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        ByteArrayOutputStream out = null;
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                awaitContent(request, deadlineNanos);
                continue;
            }
            try {
                if (Content.Chunk.isFailure(chunk)) {
                    throw failed(chunk.getFailure());
                }
                int size = chunk.remaining();
                if (size > 0) {
                    if (out == null) {
                        out = new ByteArrayOutputStream(declared > 0 ? (int) declared : Math.max(size, 256));
                    }
                    if (out.size() + size > maxBytes) {
                        throw tooLarge(maxBytes);
                    }
                    byte[] bytes = new byte[size];
                    chunk.getByteBuffer().get(bytes);
                    out.write(bytes, 0, size);
                }
                if (chunk.isLast()) {
                    return out == null ? EMPTY : out.toByteArray();
                }
            } finally {
                chunk.release();
            }
            if (System.nanoTime() - deadlineNanos > 0) {
                throw timedOut();
            }
        }
    }

    private static void awaitContent(Request request, long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw timedOut();
        }
        CompletableFuture<Void> ready = new CompletableFuture<>();
        request.demand(() -> ready.complete(null));
        try {
            ready.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw timedOut();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw timedOut();
        } catch (ExecutionException e) {
            throw failed(e.getCause());
        }
    }

    private static MatrixException tooLarge(int maxBytes) {
        return new MatrixException(413, ErrorCodes.M_TOO_LARGE, "request body is larger than " + maxBytes + " bytes");
    }

    private static MatrixException timedOut() {
        return new MatrixException(408, ErrorCodes.M_UNKNOWN, "the request body did not arrive in time");
    }

    private static MatrixException failed(Throwable cause) {
        return cause instanceof TimeoutException ? timedOut()
                : new MatrixException(400, ErrorCodes.M_UNKNOWN, "the request body could not be read");
    }
}
