package dev.mxspec.homeserver.crypto;

import java.util.Base64;
import java.util.Optional;

/**
 * Unpadded Base64 (appendices, "Unpadded Base64"): RFC 4648 Base64 without {@code =} padding, plus the
 * URL-safe variant that room versions 4 and later use for event IDs.
 */
public final class UnpaddedBase64 {

    private UnpaddedBase64() {}

    /** Standard alphabet ({@code +} and {@code /}), no padding. */
    public static String encode(byte[] bytes) {
        return Base64.getEncoder().withoutPadding().encodeToString(bytes);
    }

    /** URL-safe alphabet ({@code -} and {@code _}, RFC 4648 section 5), no padding. */
    public static String encodeUrlSafe(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Decodes either alphabet, with or without padding, as the spec asks decoders to be lenient.
     *
     * @throws IllegalArgumentException when the text is not Base64
     */
    public static byte[] decode(String text) {
        boolean urlSafe = text.indexOf('-') >= 0 || text.indexOf('_') >= 0;
        return (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(text);
    }

    /** {@link #decode}, or empty when the text is not Base64. */
    public static Optional<byte[]> tryDecode(String text) {
        try {
            return Optional.of(decode(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
