package dev.mxspec.client.sdk;

import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetContent;
import dev.mxspec.spec.v1_7.clientserver.endpoints.UploadContent;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Media uploads and downloads streamed through the JDK HttpClient with progress callbacks, on the
 * URLs of the generated endpoint metadata ({@code UploadContent.ENDPOINT}, {@code GetContent.ENDPOINT}).
 */
final class Transfers {

    private Transfers() {}

    static String upload(Credentials c, Path file, String contentType, LongConsumer progress) {
        String url = c.homeserver() + UploadContent.ENDPOINT.expand(Map.of()) + "?filename="
                + dev.mxspec.runtime.api.PathCodec.encodeSegment(file.getFileName().toString());
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + c.accessToken())
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> counting(open(file), progress)))
                .build();
        HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString());
        try {
            return MatrixJson.mapper().readTree(response.body()).path("content_uri").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long download(Credentials c, String mxc, Path target, LongConsumer total, LongConsumer progress) {
        if (!mxc.startsWith("mxc://") || mxc.indexOf('/', 6) < 0) {
            throw new IllegalArgumentException("not an mxc:// URI: " + mxc);
        }
        String server = mxc.substring(6, mxc.indexOf('/', 6));
        String mediaId = mxc.substring(mxc.indexOf('/', 6) + 1);
        String url = c.homeserver() + GetContent.ENDPOINT.expand(Map.of("serverName", server, "mediaId", mediaId));
        HttpResponse<InputStream> response = send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        total.accept(response.headers().firstValueAsLong("Content-Length").orElse(-1));
        try (InputStream in = counting(response.body(), progress); OutputStream out = Files.newOutputStream(target)) {
            return in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            HttpResponse<T> response = HttpClient.newHttpClient().send(request, handler);
            if (response.statusCode() >= 300) {
                Object body = response.body();
                String text = body instanceof InputStream in ? new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(body);
                var json = MatrixJson.mapper().readTree(text.isEmpty() ? "{}" : text);
                throw new MatrixException(response.statusCode(), json.path("errcode").asText("M_UNKNOWN"), json.path("error").asText("HTTP " + response.statusCode()));
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static InputStream open(Path file) {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream counting(InputStream in, LongConsumer progress) {
        return new FilterInputStream(in) {
            private long count;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    progress.accept(++count);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int off, int len) throws IOException {
                int n = super.read(buffer, off, len);
                if (n > 0) {
                    count += n;
                    progress.accept(count);
                }
                return n;
            }
        };
    }
}
