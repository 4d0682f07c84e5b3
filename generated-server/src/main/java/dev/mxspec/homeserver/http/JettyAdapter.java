package dev.mxspec.homeserver.http;

import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.runtime.server.ServerResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Binds an HTTP-library-free router (a function from {@link ServerRequest} to
 * {@link ServerResponse}) to Jetty 12: reads method, raw path, query, headers and a size- and
 * time-limited body, and writes status, headers and body back. Before the router: {@code OPTIONS}
 * is answered for every path with the CORS headers (and nothing else runs), {@code HEAD} is
 * routed as {@code GET} without the body, and query values holding a NUL are refused (Jetty
 * refuses such paths).
 * Every response carries the CORS headers; media responses the sandbox policy.
 * The raw query string, as sent, is handed on among the headers under {@link #RAW_QUERY}.
 */
public final class JettyAdapter extends Handler.Abstract {

    /**
     * The header key of the raw (still percent-encoded) query string, which federation request signatures cover.
     * No HTTP/1.1 header can have this name (a header name holds no colon), so a client cannot set it.
     */
    public static final String RAW_QUERY = ":query";

    private final Function<ServerRequest, ServerResponse> router;
    private final int maxBodyBytes;
    private final long bodyTimeoutNanos;
    private final RequestLog requestLog;

    /**
     * @param bodyTimeoutMs how long the body may take to arrive after the headers
     * @param requestLog where to log each request, or {@code null}
     */
    public JettyAdapter(Function<ServerRequest, ServerResponse> router, int maxBodyBytes, long bodyTimeoutMs, RequestLog requestLog) {
        this.router = router;
        this.maxBodyBytes = maxBodyBytes;
        this.bodyTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(bodyTimeoutMs);
        this.requestLog = requestLog;
    }

    public JettyAdapter(Function<ServerRequest, ServerResponse> router, int maxBodyBytes) {
        this(router, maxBodyBytes, 60_000, null);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        String path = request.getHttpURI().getPath();
        HttpFields.Mutable headers = response.getHeaders();
        ResponseHeaders.addCors(headers);
        if (HttpMethod.OPTIONS.is(method)) {
            response.setStatus(HttpStatus.NO_CONTENT_204);
            log(request, HttpStatus.NO_CONTENT_204);
            response.write(true, null, callback);
            return true;
        }
        ServerResponse result;
        boolean bodyUnread = false;
        try {
            Map<String, List<String>> query = query(request);
            byte[] body;
            try {
                body = RequestBody.read(request, maxBodyBytes, request.getHeadersNanoTime() + bodyTimeoutNanos);
            } catch (MatrixException e) {
                bodyUnread = true;
                throw e;
            }
            Map<String, String> requestHeaders = headers(request);
            String rawQuery = request.getHttpURI().getQuery();
            if (rawQuery != null) {
                requestHeaders.put(RAW_QUERY, rawQuery);
            }
            result = router.apply(new ServerRequest(HttpMethod.HEAD.is(method) ? "GET" : method, path, query, requestHeaders, body,
                    Request.getRemoteAddr(request)));
        } catch (MatrixException e) {
            result = ServerResponse.error(e);
        }
        response.setStatus(result.status());
        headers.put(HttpHeader.CONTENT_TYPE, result.contentType());
        result.headers().forEach(headers::put);
        if (ResponseHeaders.isMedia(path)) {
            ResponseHeaders.addMediaPolicy(headers);
        }
        if (bodyUnread) {
            headers.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString()); // too large, too slow or broken: not read to its end
        }
        headers.put(HttpHeader.CONTENT_LENGTH, result.body().length);
        log(request, result.status());
        response.write(true, ByteBuffer.wrap(result.body()), callback);
        return true;
    }

    private void log(Request request, int status) {
        if (requestLog != null) {
            requestLog.log(request.getMethod(), request.getHttpURI().getPath(), request.getHttpURI().getQuery(), status,
                    request.getBeginNanoTime());
        }
    }

    private static Map<String, List<String>> query(Request request) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        Fields fields;
        try {
            fields = Request.extractQueryParameters(request);
        } catch (RuntimeException e) {
            throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "the query string is not valid percent-encoded UTF-8");
        }
        for (Fields.Field field : fields) {
            for (String value : field.getValues()) {
                if (value.indexOf(0) >= 0 || field.getName().indexOf(0) >= 0) {
                    throw new MatrixException(400, ErrorCodes.M_INVALID_PARAM, "a query parameter holds a NUL character (%00)");
                }
            }
            query.put(field.getName(), new ArrayList<>(field.getValues()));
        }
        return query;
    }

    private static Map<String, String> headers(Request request) {
        Map<String, String> headers = new HashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.merge(field.getName().toLowerCase(Locale.ROOT), field.getValue(), (a, b) -> a + ", " + b);
        }
        return headers;
    }
}
