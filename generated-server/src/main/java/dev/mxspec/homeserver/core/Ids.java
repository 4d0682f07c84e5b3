package dev.mxspec.homeserver.core;

import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.server.PathGrammar;
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

    /** {@code id} when it is a user ID; 400 {@code M_INVALID_PARAM} naming {@code field} otherwise. */
    public static String requireUserId(String id, String field) {
        return require("userId", id, field);
    }

    public static String requireRoomId(String id, String field) {
        return require("roomId", id, field);
    }

    public static String requireRoomAlias(String id, String field) {
        return require("roomAlias", id, field);
    }

    public static String requireEventId(String id, String field) {
        return require("eventId", id, field);
    }

    /** The identifier grammar the generated routers check path parameters with, applied to a value from a body. */
    private static String require(String grammar, String id, String field) {
        if (id == null) {
            throw MatrixException.invalidParam(field, "missing");
        }
        PathGrammar.check(field, grammar, id);
        return id;
    }

    public static String serverOf(String id) {
        int colon = id.indexOf(':');
        return colon < 0 ? "" : id.substring(colon + 1);
    }
}
