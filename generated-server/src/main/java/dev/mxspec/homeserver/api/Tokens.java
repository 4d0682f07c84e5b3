package dev.mxspec.homeserver.api;

import dev.mxspec.runtime.api.MatrixException;

/**
 * Pagination and sync tokens: {@code s} and a stream position; for pagination also {@code b} and a position in a
 * room's backfilled history, below every stream position ({@code b7} stands for position -7: events taken in through
 * backfill have negative positions, the older the lower).
 */
final class Tokens {

    private Tokens() {}

    static String token(long position) {
        return position < 0 ? "b" + -position : "s" + position;
    }

    /** A position from a pagination token: {@code s<position>}, or {@code b<n>} for the backfilled position {@code -n}. */
    static long pagination(String token) {
        if (token.length() >= 2 && token.charAt(0) == 'b') {
            return -position("s" + token.substring(1));
        }
        return position(token);
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
