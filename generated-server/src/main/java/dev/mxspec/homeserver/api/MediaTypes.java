package dev.mxspec.homeserver.api;

import dev.mxspec.homeserver.media.MediaService;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * How a downloaded file is presented to browsers: inline only for types that cannot run script
 * (the same list as Synapse's: raster images, plain text, common audio and video; never SVG or
 * HTML), as an attachment otherwise, with the upload's file name in RFC 6266 form.
 */
final class MediaTypes {

    /** Types a browser may show in place. */
    static final Set<String> INLINE = Set.of(
            "text/css", "text/plain", "text/csv", "application/json", "application/ld+json",
            "image/jpeg", "image/gif", "image/png", "image/apng", "image/webp", "image/avif",
            "video/mp4", "video/webm", "video/ogg", "video/quicktime",
            "audio/mp4", "audio/webm", "audio/aac", "audio/mpeg", "audio/ogg", "audio/wave", "audio/wav", "audio/x-wav",
            "audio/x-pn-wav", "audio/flac", "audio/x-flac");

    /** Text types served with {@code charset=UTF-8} when the upload named no charset. */
    private static final Set<String> TEXT = Set.of(
            "text/css", "text/csv", "text/html", "text/calendar", "text/plain", "text/javascript", "application/json",
            "application/ld+json", "application/rtf", "image/svg+xml", "text/xml");

    /** RFC 2616 separators: a name holding one (or a control character, space or non-ASCII) needs {@code filename*}. */
    private static final String SEPARATORS = "()<>@,;:\\\"/[]?={}";

    private MediaTypes() {}

    /** The {@code Content-Type} to serve: text types without a charset get UTF-8. */
    static String servedContentType(String contentType) {
        return TEXT.contains(contentType.strip().toLowerCase(Locale.ROOT)) ? contentType + "; charset=UTF-8" : contentType;
    }

    /** {@code inline} or {@code attachment}, with {@code filename=} or {@code filename*=utf-8''...} when there is a name. */
    static String contentDisposition(String contentType, Optional<String> filename) {
        String disposition = INLINE.contains(MediaService.essence(contentType)) ? "inline" : "attachment";
        if (filename.isEmpty() || filename.get().isEmpty()) {
            return disposition;
        }
        String name = filename.get();
        return isToken(name) ? disposition + "; filename=" + name : disposition + "; filename*=utf-8''" + percentEncode(name);
    }

    private static boolean isToken(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 32 || c >= 127 || SEPARATORS.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** RFC 5987 {@code value-chars}: attr-char as is, every other UTF-8 byte as {@code %XX}. */
    private static String percentEncode(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }
}
