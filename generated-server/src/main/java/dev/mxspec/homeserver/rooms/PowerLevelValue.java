package dev.mxspec.homeserver.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads one power level value. Room versions before 10 accept a string holding an integer: base 10, optional
 * leading zeroes, an optional {@code +} or {@code -}, optional surrounding whitespace ({@code " +0100 "}).
 */
public final class PowerLevelValue {

    private static final Pattern STRINGY = Pattern.compile("[+-]?[0-9]+");

    private PowerLevelValue() {}

    /** The integer {@code node} holds: a JSON integer, or (when {@code acceptStrings}) a string holding one. */
    public static Optional<Long> parse(JsonNode node, boolean acceptStrings) {
        if (node == null) {
            return Optional.empty();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? Optional.of(node.longValue()) : Optional.empty();
        }
        if (acceptStrings && node.isTextual()) {
            String text = node.textValue().strip();
            if (STRINGY.matcher(text).matches()) {
                try {
                    return Optional.of(Long.parseLong(text.startsWith("+") ? text.substring(1) : text));
                } catch (NumberFormatException tooLong) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** {@link #parse} with the string rule of {@code version}. */
    public static Optional<Long> parse(JsonNode node, RoomVersion version) {
        return parse(node, !version.has(RoomFeature.INTEGER_POWER_LEVELS));
    }
}
