package dev.mxspec.homeserver.core;

import dev.mxspec.runtime.api.MatrixException;
import java.security.SecureRandom;
import java.util.regex.Pattern;

/** Matrix identifiers: parsing user IDs, making room and device IDs, random tokens. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    /** The localpart grammar of the Appendices ("User Identifiers"). */
    private static final Pattern LOCALPART = Pattern.compile("[a-z0-9._=\\-/+]+");

    private Ids() {}

    public static String random(int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }

    /** A fresh token for clients: 256 bits from a secure random source. */
    public static String token(String prefix) {
        return prefix + "_" + random(43);
    }

    public static String roomId(String serverName) {
        return "!" + random(18) + ":" + serverName;
    }

    public static String deviceId() {
        return random(10).toUpperCase(java.util.Locale.ROOT);
    }

    /** {@code @localpart:server} for a localpart or a full user ID of this server; M_INVALID_USERNAME otherwise. */
    public static String userId(String localpartOrId, String serverName) {
        String localpart = localpartOrId;
        if (localpartOrId.startsWith("@")) {
            int colon = localpartOrId.indexOf(':');
            if (colon < 0 || !localpartOrId.substring(colon + 1).equals(serverName)) {
                throw new MatrixException(400, "M_INVALID_USERNAME", "not a user of " + serverName + ": " + localpartOrId);
            }
            localpart = localpartOrId.substring(1, colon);
        }
        if (localpart.isEmpty() || !LOCALPART.matcher(localpart).matches() || localpart.length() > 200) {
            throw new MatrixException(400, "M_INVALID_USERNAME",
                    "user names may contain only a-z, 0-9, '.', '_', '=', '-', '/' and '+'");
        }
        return "@" + localpart + ":" + serverName;
    }

    /** The server name grammar of the Appendices: a DNS name, IPv4 address or bracketed IPv6 address, and an optional port. */
    private static final Pattern SERVER_NAME = Pattern.compile(
            "(?:[A-Za-z0-9.\\-]{1,255}|\\[[0-9A-Fa-f:.]{2,45}\\])(?::[0-9]{1,5})?");
    /** Localparts of user IDs, historical ones included (printable ASCII without ':'). */
    private static final Pattern HISTORICAL_LOCALPART = Pattern.compile("[\\x21-\\x39\\x3B-\\x7E]+");

    /** Whether {@code name} is a server name (with an optional port). */
    public static boolean isServerName(String name) {
        return SERVER_NAME.matcher(name).matches();
    }

    /** {@code sigil opaque : server_name}, at most 255 bytes, no control characters. */
    private static boolean isSigilId(String id, char sigil, Pattern localpart) {
        if (id.isEmpty() || id.charAt(0) != sigil || id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
            return false;
        }
        int colon = id.indexOf(':');
        if (colon < 2 || !isServerName(id.substring(colon + 1))) {
            return false;
        }
        String local = id.substring(1, colon);
        return localpart == null ? local.codePoints().noneMatch(c -> c < 0x20 || c == 0x7F) : localpart.matcher(local).matches();
    }

    public static boolean isUserId(String id) {
        return id != null && isSigilId(id, '@', HISTORICAL_LOCALPART);
    }

    public static boolean isRoomId(String id) {
        return id != null && isSigilId(id, '!', null);
    }

    public static boolean isRoomAlias(String id) {
        return id != null && isSigilId(id, '#', null);
    }

    /** An event ID: {@code $opaque:server} (room versions 1 and 2) or {@code $} and unpadded base64 (3 and later). */
    public static boolean isEventId(String id) {
        return id != null && id.length() > 1 && id.charAt(0) == '$' && id.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255
                && id.codePoints().noneMatch(c -> c < 0x21 || c == 0x7F);
    }

    /** {@code id} when it is a user ID; 400 {@code M_INVALID_PARAM} naming {@code field} otherwise. */
    public static String requireUserId(String id, String field) {
        return require(isUserId(id), id, field, "a user ID (@localpart:server)");
    }

    public static String requireRoomId(String id, String field) {
        return require(isRoomId(id), id, field, "a room ID (!opaque:server)");
    }

    public static String requireRoomAlias(String id, String field) {
        return require(isRoomAlias(id), id, field, "a room alias (#name:server)");
    }

    public static String requireEventId(String id, String field) {
        return require(isEventId(id), id, field, "an event ID ($...)");
    }

    private static String require(boolean valid, String id, String field, String what) {
        if (!valid) {
            String shown = id == null ? "nothing" : id.length() > 80 ? "'" + printable(id.substring(0, 80)) + "...'" : "'" + printable(id) + "'";
            throw MatrixException.invalidParam(field, "expected " + what + ", found " + shown);
        }
        return id;
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        s.codePoints().forEach(c -> out.append(c < 0x20 || c == 0x7F ? "?" : Character.toString(c)));
        return out.toString();
    }

    public static String serverOf(String id) {
        int colon = id.indexOf(':');
        return colon < 0 ? "" : id.substring(colon + 1);
    }
}
