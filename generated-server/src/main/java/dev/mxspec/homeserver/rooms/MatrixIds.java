package dev.mxspec.homeserver.rooms;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The parts of Matrix identifiers the room rules look at (appendices, "Identifier Grammar"). */
public final class MatrixIds {

    private static final int MAX_BYTES = 255;

    private MatrixIds() {}

    /**
     * The server name of {@code @user:server}, {@code !room:server} or a version 1/2 {@code $event:server}: the
     * text after the first colon (a server name may hold a port, with its own colon).
     */
    public static Optional<String> serverOf(String id) {
        int colon = id.indexOf(':');
        return colon < 0 || colon == id.length() - 1 ? Optional.empty() : Optional.of(id.substring(colon + 1));
    }

    /** Whether {@code id} is a user ID: {@code @}, a localpart, {@code :}, a server name; 255 bytes at most. */
    public static boolean isUserId(String id) {
        int colon = id.indexOf(':');
        return id.startsWith("@")
                && colon > 1
                && colon < id.length() - 1
                && id.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
    }

    /** Whether two identifiers name the same server (both must have one). */
    static boolean sameServer(String a, String b) {
        Optional<String> server = serverOf(a);
        return server.isPresent() && server.equals(serverOf(b));
    }
}
