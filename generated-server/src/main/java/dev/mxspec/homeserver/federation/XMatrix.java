package dev.mxspec.homeserver.federation;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code Authorization: X-Matrix ...} header of a federation request ("Request Authentication"): the
 * scheme, then comma-separated {@code name=value} parameters, names case-insensitive, values quoted (with
 * backslash escapes) or bare tokens, in which colons are allowed for older servers; unknown parameters ignored.
 *
 * @param origin the sending server's name
 * @param destination the receiving server's name; absent from servers older than v1.3
 * @param key the ID of the key that signed the request, {@code ed25519:...}
 * @param sig the signature, unpadded Base64
 */
public record XMatrix(String origin, Optional<String> destination, String key, String sig) {

    private static final String SCHEME = "X-Matrix";

    /** The header's value as this server sends it: lower-case names, every value quoted, one space after the scheme. */
    public String header() {
        return SCHEME + " origin=\"" + origin + "\"," + destination.map(d -> "destination=\"" + d + "\",").orElse("")
                + "key=\"" + key + "\",sig=\"" + sig + "\"";
    }

    /** The parameters of {@code header}; empty when it is not an X-Matrix header or a required parameter is missing or malformed. */
    public static Optional<XMatrix> parse(String header) {
        if (header == null || header.length() <= SCHEME.length() || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || header.charAt(SCHEME.length()) != ' ') {
            return Optional.empty();
        }
        Map<String, String> params = parameters(header.substring(SCHEME.length()).strip());
        if (params == null) {
            return Optional.empty();
        }
        String origin = params.get("origin");
        String key = params.get("key");
        String sig = params.get("sig");
        if (origin == null || origin.isEmpty() || key == null || key.isEmpty() || sig == null || sig.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new XMatrix(origin, Optional.ofNullable(params.get("destination")), key, sig));
    }

    /** RFC 7235 auth-params; {@code null} when malformed (a parameter twice included). */
    private static Map<String, String> parameters(String text) {
        Map<String, String> params = new HashMap<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                return null;
            }
            String name = text.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty() || !isToken(name)) {
                return null;
            }
            i = eq + 1;
            while (i < n && text.charAt(i) == ' ') {
                i++;
            }
            StringBuilder value = new StringBuilder();
            if (i < n && text.charAt(i) == '"') {
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = text.charAt(i++);
                    if (c == '\\' && i < n) {
                        value.append(text.charAt(i++));
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        value.append(c);
                    }
                }
                if (!closed) {
                    return null;
                }
            } else {
                while (i < n && text.charAt(i) != ',') {
                    char c = text.charAt(i++);
                    if (c != ':' && !isTokenChar(c)) {
                        if (c == ' ') {
                            break;
                        }
                        return null;
                    }
                    value.append(c);
                }
            }
            while (i < n && text.charAt(i) == ' ') {
                i++;
            }
            if (i < n) {
                if (text.charAt(i) != ',') {
                    return null;
                }
                i++;
            }
            if (params.put(name, value.toString()) != null) {
                return null;
            }
        }
        return params;
    }

    private static boolean isToken(String s) {
        return s.chars().allMatch(c -> isTokenChar((char) c));
    }

    private static boolean isTokenChar(char c) {
        return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }
}
