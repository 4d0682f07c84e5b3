package dev.mxspec.homeserver.api;

import dev.mxspec.runtime.api.MatrixException;

/** Pagination and sync tokens: {@code s} and a stream position. */
final class Tokens {

    private Tokens() {}

    static String token(long position) {
        return "s" + Math.max(0, position);
    }

    static long position(String token) {
        if (token.length() < 2 || token.charAt(0) != 's') {
            throw MatrixException.invalidParam("token", "not a token of this server: " + token);
        }
        long position;
        try {
            position = Long.parseLong(token.substring(1));
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam("token", "not a token of this server: " + token);
        }
        if (position < 0) { // events kept outside the timeline have negative positions: no token reaches them
            throw MatrixException.invalidParam("token", "not a token of this server: " + token);
        }
        return position;
    }
}
