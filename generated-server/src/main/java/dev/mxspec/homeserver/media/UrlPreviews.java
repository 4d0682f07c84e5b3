package dev.mxspec.homeserver.media;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.CheckedResolver;
import dev.mxspec.homeserver.core.IpRange;
import dev.mxspec.homeserver.core.UrlPreviewSettings;
import dev.mxspec.runtime.api.ErrorCodes;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * URL previews ({@code GET /preview_url}): the page's OpenGraph data as the spec describes it, its image stored in the
 * media repository and given as an {@code mxc://} URI with {@code matrix:image:size}. Every address a host resolves to
 * is checked against the denied ranges before a connection is made, on the first request and on every redirect, so
 * neither a link nor a redirect nor a DNS answer can make the server reach into its own network. Previews are kept for
 * {@code cache_ms}.
 */
public final class UrlPreviews implements AutoCloseable {

    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_CACHED = 10_000;
    private static final int MAX_TITLE = 1000;
    private static final int MAX_DESCRIPTION = 500;

    private record Cached(long expires, ObjectNode preview) {}

    private final UrlPreviewSettings settings;
    private final MediaService media;
    private final LongSupplier clock;
    private final List<IpRange> denied;
    private final List<IpRange> allowed;
    private final HttpClient http;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    public UrlPreviews(UrlPreviewSettings settings, MediaService media, LongSupplier clock) {
        this.settings = settings;
        this.media = media;
        this.clock = clock;
        this.denied = settings.deniedIpRanges().stream().map(r -> IpRange.parse("url_preview.denied_ip_ranges", r)).toList();
        this.allowed = settings.allowedIpRanges().stream().map(r -> IpRange.parse("url_preview.allowed_ip_ranges", r)).toList();
        this.http = new HttpClient();
        http.setSocketAddressResolver(new CheckedResolver(this::permitted, a -> "URL previews may not fetch from " + a.getHostAddress()
                + " (url_preview.denied_ip_ranges)"));
        http.setFollowRedirects(true);
        http.setMaxRedirects(MAX_REDIRECTS);
        http.setConnectTimeout(settings.timeoutMs());
        http.setIdleTimeout(settings.timeoutMs());
        http.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "mxspec-homeserver URL preview"));
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("the URL preview client did not start", e);
        }
    }

    /** Whether the server may connect to this address. */
    boolean permitted(InetAddress address) {
        return allowed.stream().anyMatch(r -> r.contains(address)) || denied.stream().noneMatch(r -> r.contains(address));
    }

    /** The preview of {@code url}: OpenGraph keys and values (empty when the page has none). */
    public ObjectNode preview(String url) {
        if (!settings.enabled()) {
            throw MatrixException.forbidden("URL previews are switched off on this server");
        }
        URI uri = checked(url);
        long now = clock.getAsLong();
        Cached hit = cache.get(uri.toString());
        if (hit != null && hit.expires() > now) {
            return hit.preview().deepCopy();
        }
        ObjectNode preview = build(uri);
        if (cache.size() >= MAX_CACHED) {
            Iterator<Map.Entry<String, Cached>> it = cache.entrySet().iterator();
            while (it.hasNext()) {
                if (it.next().getValue().expires() <= now || cache.size() >= MAX_CACHED) {
                    it.remove();
                }
            }
        }
        cache.put(uri.toString(), new Cached(now + settings.cacheMs(), preview));
        return preview.deepCopy();
    }

    private static URI checked(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw MatrixException.invalidParam("url", "an http or https URL is needed, not " + url);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw MatrixException.invalidParam("url", "not a URL: " + url);
        }
    }

    private ObjectNode build(URI uri) {
        ContentResponse page = fetch(uri);
        ObjectNode og = MatrixJson.mapper().createObjectNode();
        String type = Optional.ofNullable(page.getMediaType()).orElse("").toLowerCase(Locale.ROOT);
        if (type.startsWith("image/")) {
            image(og, page);
        } else if (type.equals("text/html") || type.equals("application/xhtml+xml")) {
            html(og, page, uri);
        }
        return og;
    }

    private void html(ObjectNode og, ContentResponse page, URI uri) {
        Charset charset = null;
        try {
            charset = page.getEncoding() == null ? null : Charset.forName(page.getEncoding());
        } catch (IllegalArgumentException unknown) {
            // jsoup looks for a <meta charset> itself
        }
        Document doc;
        try {
            doc = Jsoup.parse(new ByteArrayInputStream(page.getContent()), charset == null ? null : charset.name(), uri.toString());
        } catch (IOException e) {
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, "the page could not be read");
        }
        for (Element meta : doc.select("meta[property^=og:], meta[name^=og:]")) {
            String key = meta.hasAttr("property") ? meta.attr("property") : meta.attr("name");
            String value = meta.attr("content");
            if (!value.isEmpty() && !og.has(key)) {
                og.put(key, value);
            }
        }
        if (!og.has("og:title") && !doc.title().isBlank()) {
            og.put("og:title", doc.title().strip());
        }
        if (!og.has("og:description")) {
            Element description = doc.selectFirst("meta[name=description]");
            if (description != null && !description.attr("content").isBlank()) {
                og.put("og:description", description.attr("content").strip());
            }
        }
        truncate(og, "og:title", MAX_TITLE);
        truncate(og, "og:description", MAX_DESCRIPTION);
        og.remove("og:image:secure_url");
        String image = og.path("og:image").asText("");
        og.remove("og:image");
        if (!image.isEmpty()) {
            try {
                URI imageUri = checked(uri.resolve(image).toString());
                image(og, fetch(imageUri));
            } catch (MatrixException | IllegalArgumentException unreachable) {
                og.remove(List.of("og:image:type", "og:image:width", "og:image:height", "matrix:image:size"));
            }
        }
    }

    /** Keeps the image in the media repository: {@code og:image} is its {@code mxc://} URI. */
    private void image(ObjectNode og, ContentResponse response) {
        byte[] bytes = response.getContent();
        String type = response.getMediaType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("image/")) {
            throw MatrixException.invalidParam("og:image", "not an image");
        }
        og.put("og:image", media.upload(bytes, Optional.of(type), Optional.empty()));
        og.put("og:image:type", type);
        og.put("matrix:image:size", bytes.length);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? java.util.Collections.emptyIterator() : ImageIO.getImageReaders(in);
            if (readers.hasNext()) {
                ImageReader reader = readers.next();
                try {
                    reader.setInput(in);
                    og.put("og:image:width", reader.getWidth(0));
                    og.put("og:image:height", reader.getHeight(0));
                } finally {
                    reader.dispose();
                }
            }
        } catch (IOException unreadable) {
            // the size is optional
        }
    }

    private ContentResponse fetch(URI uri) {
        try {
            ContentResponse response = new CompletableResponseListener(http.newRequest(uri).timeout(settings.timeoutMs(), TimeUnit.MILLISECONDS),
                    (int) settings.maxBytes()).send().get(settings.timeoutMs() + 1000, TimeUnit.MILLISECONDS);
            if (response.getStatus() / 100 != 2) {
                throw new MatrixException(502, ErrorCodes.M_UNKNOWN, "the page answered HTTP " + response.getStatus());
            }
            return response;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            CheckedResolver.denied(cause).ifPresent(denied -> {
                throw MatrixException.forbidden(denied.getMessage());
            });
            String why = cause != null && cause.getMessage() != null && cause.getMessage().contains("Buffering capacity")
                    ? "the page is larger than " + settings.maxBytes() + " bytes" : "the page could not be fetched";
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, why);
        } catch (TimeoutException e) {
            throw new MatrixException(504, ErrorCodes.M_UNKNOWN, "the page took longer than " + settings.timeoutMs() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MatrixException(502, ErrorCodes.M_UNKNOWN, "interrupted");
        }
    }

    private static void truncate(ObjectNode og, String key, int max) {
        String value = og.path(key).asText(null);
        if (value != null && value.length() > max) {
            og.put(key, value.substring(0, max - 1) + "…");
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
