package dev.mxspec.homeserver.core;

import dev.mxspec.runtime.client.MatrixHttpClient;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient.Version;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.http.HttpField;

/**
 * The transport of generated clients that call servers users name (identity servers, push gateways): Jetty's HTTP
 * client with a {@link CheckedResolver}, so that the addresses connected to are the addresses checked. Redirects are
 * not followed; responses are read up to {@code maxBytes}.
 */
public final class GuardedHttp implements MatrixHttpClient.Transport, AutoCloseable {

    private final HttpClient http = new HttpClient();
    private final int maxBytes;

    public GuardedHttp(CheckedResolver resolver, Duration connectTimeout, int maxBytes) {
        this.maxBytes = maxBytes;
        http.setSocketAddressResolver(resolver);
        http.setFollowRedirects(false);
        http.setConnectTimeout(connectTimeout.toMillis());
        try {
            http.start();
            // a 401 or 407 is the called server's answer to read, not a challenge for this client to take up
            http.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
            http.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP client did not start", e);
        }
    }

    @Override
    public CompletableFuture<HttpResponse<byte[]>> send(HttpRequest request) {
        return body(request).thenCompose(body -> {
            Request out = http.newRequest(request.uri()).method(request.method());
            out.headers(headers -> request.headers().map().forEach((name, values) -> values.forEach(v -> headers.add(name, v))));
            request.timeout().ifPresent(t -> out.timeout(t.toMillis(), TimeUnit.MILLISECONDS));
            body.ifPresent(bytes -> out.body(new BytesRequestContent(bytes)));
            return new CompletableResponseListener(out, maxBytes).send().thenApply(response -> answer(request, response));
        });
    }

    private static HttpResponse<byte[]> answer(HttpRequest request, ContentResponse response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : response.getHeaders()) {
            headers.computeIfAbsent(field.getName(), n -> new ArrayList<>()).add(field.getValue());
        }
        return new Answer(response.getStatus(), request, HttpHeaders.of(headers, (name, value) -> true), response.getContent());
    }

    /** The request's body, read from its publisher (empty for a request without one). */
    private static CompletableFuture<Optional<byte[]>> body(HttpRequest request) {
        if (request.bodyPublisher().isEmpty() || request.bodyPublisher().get().contentLength() == 0) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        CompletableFuture<Optional<byte[]>> read = new CompletableFuture<>();
        request.bodyPublisher().get().subscribe(new Flow.Subscriber<ByteBuffer>() {
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.writeBytes(chunk);
            }

            @Override
            public void onError(Throwable failure) {
                read.completeExceptionally(failure);
            }

            @Override
            public void onComplete() {
                read.complete(Optional.of(bytes.toByteArray()));
            }
        });
        return read;
    }

    private record Answer(int statusCode, HttpRequest request, HttpHeaders headers, byte[] body) implements HttpResponse<byte[]> {
        @Override
        public Optional<HttpResponse<byte[]>> previousResponse() {
            return Optional.empty();
        }

        @Override
        public Optional<SSLSession> sslSession() {
            return Optional.empty();
        }

        @Override
        public URI uri() {
            return request.uri();
        }

        @Override
        public Version version() {
            return Version.HTTP_1_1;
        }
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // stopping
        }
    }
}
