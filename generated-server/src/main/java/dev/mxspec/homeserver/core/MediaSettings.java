package dev.mxspec.homeserver.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The media repository (the {@code media:} block of the configuration). A value left out or 0
 * takes the default.
 *
 * @param publicBaseUrl a URL under which a web server serves the media folder ({@code data_dir/media})
 *     as static files; when set, downloads and thumbnails asked with {@code allow_redirect=true}
 *     are answered with a redirect there
 * @param maxThumbnailPixels images with more pixels (width times height, read from the file's
 *     header) are not decoded for thumbnails ({@code M_TOO_LARGE})
 * @param thumbnailSizes the thumbnails made: a request is answered with the smallest of its
 *     method that is at least as large as asked (the largest of its method when none is)
 * @param remoteMediaLifetimeMs how long a copy of another server's media is kept after its last download or thumbnail
 *     (then fetched again when asked for); negative keeps copies for good
 */
public record MediaSettings(
        @JsonProperty("public_base_url") Optional<String> publicBaseUrl,
        @JsonProperty("max_thumbnail_pixels") long maxThumbnailPixels,
        @JsonProperty("thumbnail_sizes") List<ThumbnailSize> thumbnailSizes,
        @JsonProperty("remote_media_lifetime_ms") long remoteMediaLifetimeMs) {

    /** The sizes the spec says servers should produce. */
    public static final List<ThumbnailSize> DEFAULT_SIZES = List.of(
            new ThumbnailSize(32, 32, "crop"), new ThumbnailSize(96, 96, "crop"), new ThumbnailSize(320, 240, "scale"),
            new ThumbnailSize(640, 480, "scale"), new ThumbnailSize(800, 600, "scale"));
    public static final long DEFAULT_MAX_THUMBNAIL_PIXELS = 32_000_000;
    /** 30 days. */
    public static final long DEFAULT_REMOTE_MEDIA_LIFETIME_MS = 30L * 24 * 60 * 60 * 1000;
    /** The largest side of a configured thumbnail. */
    static final int MAX_SIDE = 4096;

    /**
     * One thumbnail size.
     *
     * @param width the box's width
     * @param height the box's height
     * @param method {@code crop} (exactly this size, cut from the centre) or {@code scale} (within it)
     */
    public record ThumbnailSize(@JsonProperty("width") int width, @JsonProperty("height") int height, @JsonProperty("method") String method) {

        public ThumbnailSize {
            if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
                throw new IllegalArgumentException("media.thumbnail_sizes: width and height must be between 1 and " + MAX_SIDE + ", not "
                        + width + "x" + height);
            }
            method = method == null ? "scale" : method.toLowerCase(Locale.ROOT);
            if (!method.equals("crop") && !method.equals("scale")) {
                throw new IllegalArgumentException("media.thumbnail_sizes: method must be crop or scale, not '" + method + "'");
            }
        }

        /** The size's name in file names and caches: {@code 320x240-scale}. */
        public String key() {
            return width + "x" + height + "-" + method;
        }

        /** Whether this size is cut to its box ({@code crop}) rather than fitted within it. */
        public boolean crops() {
            return method.equals("crop");
        }
    }

    public MediaSettings {
        publicBaseUrl = publicBaseUrl == null ? Optional.empty() : publicBaseUrl.map(MediaSettings::checkedBaseUrl);
        if (maxThumbnailPixels < 0) {
            throw new IllegalArgumentException("media.max_thumbnail_pixels must be positive, not " + maxThumbnailPixels);
        }
        maxThumbnailPixels = maxThumbnailPixels == 0 ? DEFAULT_MAX_THUMBNAIL_PIXELS : maxThumbnailPixels;
        thumbnailSizes = thumbnailSizes == null || thumbnailSizes.isEmpty() ? DEFAULT_SIZES : List.copyOf(thumbnailSizes);
        remoteMediaLifetimeMs = remoteMediaLifetimeMs == 0 ? DEFAULT_REMOTE_MEDIA_LIFETIME_MS : Math.max(-1, remoteMediaLifetimeMs);
    }

    public static MediaSettings defaults() {
        return new MediaSettings(Optional.empty(), 0, null, 0);
    }

    /** This configuration with media served from {@code url} to clients that allow a redirect. */
    public MediaSettings withPublicBaseUrl(String url) {
        return new MediaSettings(Optional.of(url), maxThumbnailPixels, thumbnailSizes, remoteMediaLifetimeMs);
    }

    /** This configuration with copies of other servers' media kept for {@code ms} after their last use (negative: for good). */
    public MediaSettings withRemoteMediaLifetimeMs(long ms) {
        return new MediaSettings(publicBaseUrl, maxThumbnailPixels, thumbnailSizes, ms);
    }

    /** An absolute http(s) URL without query or fragment, without its trailing slash. */
    private static String checkedBaseUrl(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("media.public_base_url is not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("media.public_base_url must be an http or https URL without query or fragment, not '"
                    + url + "'");
        }
        String text = uri.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    /** The commented YAML block. */
    String toYaml() {
        return """
                # The media repository (files in data_dir/media).
                media:
                  # A URL where a web server serves data_dir/media as static files (see the README for its
                  # headers); clients asking with allow_redirect=true are sent there.
                %s
                  # Images with more pixels than this are not decoded for thumbnails (M_TOO_LARGE).
                  max_thumbnail_pixels: %d
                  # The thumbnails made; a request gets the smallest of its method at least as large as asked.
                  thumbnail_sizes:
                %s
                  # Copies of other servers' media (data_dir/remote_media) are removed when unused for this long
                  # (milliseconds; fetched again when asked for); -1 keeps them for good.
                  remote_media_lifetime_ms: %d
                """.formatted(publicBaseUrl.map(u -> "  public_base_url: " + u).orElse("  # public_base_url: https://media.example.org/media"),
                maxThumbnailPixels, thumbnailSizes.stream()
                        .map(s -> "    - {width: %d, height: %d, method: %s}".formatted(s.width(), s.height(), s.method()))
                        .collect(Collectors.joining("\n")), remoteMediaLifetimeMs);
    }
}
