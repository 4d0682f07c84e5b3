package dev.mxspec.homeserver.services;

import dev.mxspec.homeserver.storage.SearchStore.Position;
import dev.mxspec.runtime.api.MatrixException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * A search's {@code next_batch} token: the order it was given for, the group it continues ({@code room_id} or
 * {@code sender} with the group's value; none for the whole result set) and the place in the results after which the
 * next batch starts (the rank and stream position of the last result considered). Opaque to clients: unpadded URL-safe
 * Base64 of lines, the group's value last (a user or room ID holds no line break, but nothing depends on it).
 */
record SearchBatch(boolean byRank, Optional<String> groupKey, Optional<String> groupValue, Position after) {

    private static final String VERSION = "s1";

    String encode() {
        String text = String.join("\n", VERSION, byRank ? "rank" : "recent", groupKey.orElse(""),
                Long.toHexString(Double.doubleToRawLongBits(after.rank())), Long.toString(after.streamPos()), groupValue.orElse(""));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The batch a token stands for; {@code M_INVALID_PARAM} when this server did not give it. */
    static SearchBatch decode(String token) {
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", 6);
            if (parts.length != 6 || !parts[0].equals(VERSION) || !(parts[1].equals("rank") || parts[1].equals("recent"))) {
                throw invalid();
            }
            Optional<String> key = parts[2].isEmpty() ? Optional.empty() : Optional.of(parts[2]);
            if (key.isPresent() && !(key.get().equals("room_id") || key.get().equals("sender")) || key.isPresent() == parts[5].isEmpty()) {
                throw invalid();
            }
            double rank = Double.longBitsToDouble(Long.parseUnsignedLong(parts[3], 16));
            if (Double.isNaN(rank)) {
                throw invalid();
            }
            return new SearchBatch(parts[1].equals("rank"), key, key.map(k -> parts[5]), new Position(rank, Long.parseLong(parts[4])));
        } catch (IllegalArgumentException e) { // Base64 and numbers
            throw invalid();
        }
    }

    private static MatrixException invalid() {
        return MatrixException.invalidParam("next_batch", "not a next_batch this server gave");
    }
}
