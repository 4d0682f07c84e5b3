package dev.mxspec.homeserver.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * URL previews (the {@code url_preview:} block of the configuration): {@code GET /preview_url} fetches the page for
 * the client and reads its OpenGraph data. Off by default. When on, the server refuses to fetch from the address ranges
 * in {@code denied_ip_ranges} (by default loopback, private, link-local, shared, documentation, multicast and reserved
 * ranges, IPv4 and IPv6), checked on every address a host name resolves to and on every redirect, so that the server
 * cannot be used to probe the network it sits in; {@code allowed_ip_ranges} makes exceptions.
 *
 * @param enabled whether previews are served
 * @param deniedIpRanges CIDR ranges never fetched from
 * @param allowedIpRanges CIDR ranges fetched from although a denied range holds them
 * @param maxBytes the largest page or image read (10 MiB)
 * @param timeoutMs how long one fetch may take (10 s)
 * @param cacheMs how long a preview is kept and answered again (1 h)
 */
public record UrlPreviewSettings(
        @JsonProperty("enabled") boolean enabled,
        @JsonProperty("denied_ip_ranges") List<String> deniedIpRanges,
        @JsonProperty("allowed_ip_ranges") List<String> allowedIpRanges,
        @JsonProperty("max_bytes") long maxBytes,
        @JsonProperty("timeout_ms") long timeoutMs,
        @JsonProperty("cache_ms") long cacheMs) {

    /** What Synapse's {@code url_preview_ip_range_blacklist} example lists, and the unspecified addresses. */
    public static final List<String> DEFAULT_DENIED = List.of("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
            "100.64.0.0/10", "192.0.0.0/24", "169.254.0.0/16", "192.88.99.0/24", "198.18.0.0/15", "192.0.2.0/24", "198.51.100.0/24",
            "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4", "0.0.0.0/8", "::1/128", "::/128", "fe80::/10", "fc00::/7", "2001:db8::/32",
            "ff00::/8", "fec0::/10", "64:ff9b::/96", "2002::/16");

    public UrlPreviewSettings {
        deniedIpRanges = deniedIpRanges == null ? DEFAULT_DENIED : List.copyOf(deniedIpRanges);
        allowedIpRanges = allowedIpRanges == null ? List.of() : List.copyOf(allowedIpRanges);
        maxBytes = maxBytes == 0 ? 10L << 20 : maxBytes;
        timeoutMs = timeoutMs == 0 ? 10_000 : timeoutMs;
        cacheMs = cacheMs == 0 ? 60 * 60 * 1000 : cacheMs;
        if (maxBytes < 1024 || maxBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("url_preview.max_bytes must be between 1024 and 2 GiB, not " + maxBytes);
        }
        if (timeoutMs < 0 || cacheMs < 0) {
            throw new IllegalArgumentException("url_preview.timeout_ms and cache_ms must not be negative");
        }
        for (String range : deniedIpRanges) {
            IpRange.parse("url_preview.denied_ip_ranges", range);
        }
        for (String range : allowedIpRanges) {
            IpRange.parse("url_preview.allowed_ip_ranges", range);
        }
    }

    public static UrlPreviewSettings defaults() {
        return new UrlPreviewSettings(false, null, null, 0, 0, 0);
    }

    String toYaml() {
        return """
                # URL previews (GET /preview_url): the server fetches pages for clients. Off unless enabled; never from
                # denied_ip_ranges (loopback, private and reserved ranges by default) unless allowed_ip_ranges says so.
                url_preview:
                  enabled: %s
                  # allowed_ip_ranges: ["192.168.1.10/32"]
                  max_bytes: %d
                  timeout_ms: %d
                  cache_ms: %d
                """.formatted(enabled, maxBytes, timeoutMs, cacheMs);
    }
}
