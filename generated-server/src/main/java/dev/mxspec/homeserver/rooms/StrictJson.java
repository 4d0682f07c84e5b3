package dev.mxspec.homeserver.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.Map;
import java.util.Optional;

/**
 * The canonical JSON value rules that room versions 6 and later enforce (appendices, "Canonical JSON"): no
 * floats, integers within {@code [-(2**53)+1, (2**53)-1]}. Earlier versions must tolerate both.
 */
public final class StrictJson {

    private static final BigInteger MAX = BigInteger.TWO.pow(53).subtract(BigInteger.ONE);
    private static final BigInteger MIN = MAX.negate();

    private StrictJson() {}

    /** The first value that breaks the rules, described with its path, if {@code version} enforces them. */
    public static Optional<String> violation(JsonNode json, RoomVersion version) {
        return version.has(RoomFeature.STRICT_CANONICAL_JSON) ? violation(json, "") : Optional.empty();
    }

    private static Optional<String> violation(JsonNode node, String path) {
        if (node.isFloatingPointNumber()) {
            return Optional.of("float " + node + " at " + where(path) + " is not allowed in canonical JSON");
        }
        if (node.isIntegralNumber()) {
            BigInteger value = node.bigIntegerValue();
            return value.compareTo(MIN) < 0 || value.compareTo(MAX) > 0
                    ? Optional.of("integer " + node + " at " + where(path) + " is out of the canonical JSON range")
                    : Optional.empty();
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                Optional<String> found = violation(field.getValue(), path + "." + field.getKey());
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Optional<String> found = violation(node.get(i), path + "[" + i + "]");
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private static String where(String path) {
        return path.isEmpty() ? "the top level" : path.substring(path.startsWith(".") ? 1 : 0);
    }
}
