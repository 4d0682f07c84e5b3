package dev.mxspec.homeserver.http;

import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.json.MatrixJson;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * What Jetty answers on its own (a request it cannot parse or accept: a URI or headers too long,
 * a malformed request line, path or Host header, an unsupported version) as a Matrix error: JSON
 * with {@code errcode} and {@code error}, the CORS headers, never an HTML page, whatever the method;
 * and {@code Connection: close}, since what follows a refused request on its connection cannot be trusted
 * to start a new one.
 */
final class MatrixErrorHandler extends ErrorHandler {

    private final RequestLog requestLog;

    /** @param requestLog where to log the refused requests, or {@code null} */
    MatrixErrorHandler(RequestLog requestLog) {
        this.requestLog = requestLog;
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        byte[] body = body(code, message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, MimeTypes.Type.APPLICATION_JSON.asString());
        ResponseHeaders.addCors(response.getHeaders());
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        // the rest of a refused request may still be on its way: the client must not send another on this connection
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        if (requestLog != null) {
            requestLog.log(request.getMethod(), request.getHttpURI().getPath(), request.getHttpURI().getQuery(), code,
                    request.getBeginNanoTime());
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** The Matrix error body for a status Jetty chose; server errors do not tell why. */
    static byte[] body(int status, String message) {
        String error = status >= 500 || message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
        return MatrixJson.bytes(MatrixJson.mapper().createObjectNode().put("errcode", errcode(status)).put("error", error));
    }

    static String errcode(int status) {
        return switch (status) {
            case 404, 405, 501 -> ErrorCodes.M_UNRECOGNIZED;
            case 413, 414, 431 -> ErrorCodes.M_TOO_LARGE;
            case 429 -> ErrorCodes.M_LIMIT_EXCEEDED;
            default -> ErrorCodes.M_UNKNOWN;
        };
    }
}
