package dev.mxspec.homeserver.http;

import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.runtime.server.ServerResponse;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Binds an HTTP-library-free router (a function from {@link ServerRequest} to
 * {@link ServerResponse}) to Jetty 12: reads method, raw path, query, headers and a size-limited
 * body, and writes status, headers and body back. Bodies over the limit are {@code M_TOO_LARGE}.
 */
public final class JettyAdapter extends Handler.Abstract {

    private final Function<ServerRequest, ServerResponse> router;
    private final int maxBodyBytes;

    public JettyAdapter(Function<ServerRequest, ServerResponse> router, int maxBodyBytes) {
        this.router = router;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        ServerResponse result;
        byte[] body = readBody(request);
        if (body == null) {
            result = ServerResponse.error(new MatrixException(413, ErrorCodes.M_TOO_LARGE,
                    "request body is larger than " + maxBodyBytes + " bytes"));
        } else {
            result = router.apply(new ServerRequest(request.getMethod(), request.getHttpURI().getPath(), query(request),
                    headers(request), body, Request.getRemoteAddr(request)));
        }
        response.setStatus(result.status());
        response.getHeaders().put("Content-Type", result.contentType());
        result.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        response.getHeaders().put("Content-Length", result.body().length);
        response.write(true, ByteBuffer.wrap(result.body()), callback);
        return true;
    }

    /** The body, or {@code null} when it is larger than the limit. */
    private byte[] readBody(Request request) throws java.io.IOException {
        long declared = request.getLength();
        if (declared > maxBodyBytes) {
            return null;
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] bytes = in.readNBytes(maxBodyBytes + 1);
            return bytes.length > maxBodyBytes ? null : bytes;
        }
    }

    private static Map<String, List<String>> query(Request request) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        Fields fields = Request.extractQueryParameters(request);
        for (Fields.Field field : fields) {
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
