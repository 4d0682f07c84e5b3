package dev.mxspec.runtime.server;

import dev.mxspec.runtime.api.MatrixException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a path parameter may hold, checked by generated routers before a handler runs; a value
 * that does not fit is {@code 400 M_INVALID_PARAM}.
 *
 * <p>Every parameter: at most 255 bytes of UTF-8, no control characters (a NUL cannot even be
 * stored in PostgreSQL text). Parameters the spec names after a Matrix identifier follow the
 * identifier grammar of the spec's appendices, leniently where the spec asks it:
 *
 * <ul>
 *   <li>{@code userId}: {@code @localpart:server_name}, the localpart of the historical character
 *       set (every printable ASCII character but {@code :}), so old accounts stay reachable;
 *   <li>{@code roomId}: {@code !opaque:server_name};
 *   <li>{@code roomAlias}: {@code #localpart:server_name};
 *   <li>{@code roomIdOrAlias}: a room ID or a room alias;
 *   <li>{@code eventId}: {@code $} and an opaque rest (room versions 1-2 add {@code :server_name};
 *       from version 3 on it is base64 and may hold {@code /} and {@code +});
 *   <li>{@code serverName}: the server name grammar (a DNS name of non-empty labels, an IPv4 or a
 *       bracketed IPv6 literal, an optional port);
 *   <li>{@code mediaId}: letters, digits, {@code _} and {@code -}, as media IDs are made.
 * </ul>
 */
public final class PathGrammar {

    /** The longest value of any path parameter, in UTF-8 bytes (the spec's limit for identifiers). */
    public static final int MAX_BYTES = 255;

    private static final Pattern DNS_NAME = Pattern.compile("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}]");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern HISTORICAL_LOCALPART = Pattern.compile("[\\x21-\\x39\\x3B-\\x7E]+");
    private static final Pattern MEDIA_ID = Pattern.compile("[A-Za-z0-9_-]+");

    private PathGrammar() {}

    /** Refuses a path parameter that does not fit its grammar. */
    public static void check(String name, String value) {
        check(name, name, value);
    }

    /**
     * Refuses a value that does not fit the grammar of the path parameter {@code grammar} (a user ID
     * in a request body fits {@code userId}), naming {@code field} in the error.
     */
    public static void check(String field, String grammar, String value) {
        problem(grammar, value).ifPresent(why -> {
            throw MatrixException.invalidParam(field, why);
        });
    }

    /** What is wrong with a path parameter's value, empty when it fits. */
    public static Optional<String> problem(String name, String value) {
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return Optional.of("longer than " + MAX_BYTES + " bytes");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                return Optional.of("contains a control character");
            }
        }
        return switch (name) {
            case "userId" -> sigilled(value, '@', "a user ID", HISTORICAL_LOCALPART);
            case "roomId" -> sigilled(value, '!', "a room ID", null);
            case "roomAlias" -> sigilled(value, '#', "a room alias", null);
            case "roomIdOrAlias" -> value.startsWith("#") ? sigilled(value, '#', "a room alias", null)
                    : sigilled(value, '!', "a room ID or alias", null);
            case "eventId" -> value.length() > 1 && value.charAt(0) == '$' ? Optional.empty()
                    : Optional.of("not an event ID ($...)");
            case "serverName" -> serverName(value) ? Optional.empty() : Optional.of("not a server name");
            case "mediaId" -> MEDIA_ID.matcher(value).matches() ? Optional.empty() : Optional.of("not a media ID");
            default -> Optional.empty();
        };
    }

    /** Whether {@code value} fits the spec's server name grammar. */
    public static boolean serverName(String value) {
        String host = value;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0) {
                return false;
            }
            host = value.substring(0, close + 1);
            if (!IPV6.matcher(host).matches()) {
                return false;
            }
            String rest = value.substring(close + 1);
            return rest.isEmpty() || (rest.startsWith(":") && PORT.matcher(rest.substring(1)).matches());
        }
        int colon = value.indexOf(':');
        if (colon >= 0) {
            host = value.substring(0, colon);
            if (!PORT.matcher(value.substring(colon + 1)).matches()) {
                return false;
            }
        }
        return !host.isEmpty() && host.length() <= MAX_BYTES && DNS_NAME.matcher(host).matches();
    }

    private static Optional<String> sigilled(String value, char sigil, String what, Pattern localpart) {
        if (value.isEmpty() || value.charAt(0) != sigil) {
            return Optional.of("not " + what + " (" + sigil + "...:server)");
        }
        int colon = value.indexOf(':');
        if (colon < 0) {
            return Optional.of("not " + what + ": no server name");
        }
        String local = value.substring(1, colon);
        if (local.isEmpty() || (localpart != null && !localpart.matcher(local).matches())) {
            return Optional.of("not " + what + ": bad localpart");
        }
        if (!serverName(value.substring(colon + 1))) {
            return Optional.of("not " + what + ": bad server name");
        }
        return Optional.empty();
    }
}
