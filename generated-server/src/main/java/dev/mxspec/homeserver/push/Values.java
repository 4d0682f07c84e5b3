package dev.mxspec.homeserver.push;

import com.fasterxml.jackson.databind.JsonNode;

/** The values {@code event_property_is} and {@code event_property_contains} compare: canonical JSON scalars. */
final class Values {

    private static final long MAX_SAFE = (1L << 53) - 1;

    private Values() {}

    /** A string, boolean, null or integer in the canonical JSON range. */
    static boolean scalar(JsonNode v) {
        return v.isTextual() || v.isBoolean() || v.isNull()
                || (v.isIntegralNumber() && v.canConvertToLong() && Math.abs(v.asLong()) <= MAX_SAFE);
    }

    /** Exact equality without casting ({@code 1} is not {@code true} nor {@code "1"}). */
    static boolean same(JsonNode a, JsonNode b) {
        if (a.isIntegralNumber() && b.isIntegralNumber()) {
            return a.asLong() == b.asLong();
        }
        return a.getNodeType() == b.getNodeType() && a.equals(b);
    }
}
