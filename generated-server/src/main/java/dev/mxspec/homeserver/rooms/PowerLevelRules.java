package dev.mxspec.homeserver.rooms;

import static dev.mxspec.homeserver.rooms.AuthResult.allowed;
import static dev.mxspec.homeserver.rooms.AuthResult.refused;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The auth rules for {@code m.room.power_levels}: well-formed values, and no change to a level above the sender's
 * own, nor to a user at or above it.
 */
final class PowerLevelRules {

    private static final List<String> TOP_LEVEL = List.of(
            "users_default", "events_default", "state_default", "ban", "redact", "kick", "invite");

    private PowerLevelRules() {}

    static AuthResult check(PduView pdu, AuthState state, RoomVersion version, long senderLevel) {
        ObjectNode content = pdu.content();
        Optional<String> malformed = malformed(content, version);
        if (malformed.isPresent()) {
            return refused(AuthRule.POWER_LEVELS, malformed.get());
        }
        if (state.powerLevels().isEmpty()) {
            return allowed();
        }
        ObjectNode current = new PduView(state.powerLevels().get()).content();
        for (String key : TOP_LEVEL) {
            Optional<AuthResult> refusal = checkChange(key, current.get(key), content.get(key), senderLevel);
            if (refusal.isPresent()) {
                return refusal.get();
            }
        }
        List<String> maps = version.has(RoomFeature.NOTIFICATIONS_POWER_LEVELS)
                ? List.of("events", "notifications")
                : List.of("events");
        for (String map : maps) {
            for (String key : keys(current.get(map), content.get(map))) {
                Optional<AuthResult> refusal = checkChange(map + "." + key, current.path(map).get(key),
                        content.path(map).get(key), senderLevel);
                if (refusal.isPresent()) {
                    return refusal.get();
                }
            }
        }
        return checkUsers(pdu.sender(), current.get("users"), content.get("users"), senderLevel);
    }

    /**
     * Why the values are malformed, if they are. The spec checks {@code users} in every version and the rest
     * from version 10 on; before that, a compared value that is not an integer (or integer string) is refused
     * too, since the comparisons cannot be made with it ({@code notifications} is compared from version 6).
     */
    private static Optional<String> malformed(ObjectNode content, RoomVersion version) {
        boolean strict = version.has(RoomFeature.INTEGER_POWER_LEVELS);
        String integer = strict ? "an integer" : "an integer or a string holding one";
        for (String key : TOP_LEVEL) {
            JsonNode value = content.get(key);
            if (value != null && PowerLevelValue.parse(value, version).isEmpty()) {
                return Optional.of(key + " is not " + integer + ": " + value);
            }
        }
        List<String> maps = version.has(RoomFeature.NOTIFICATIONS_POWER_LEVELS)
                ? List.of("events", "notifications", "users")
                : List.of("events", "users");
        for (String map : maps) {
            JsonNode value = content.get(map);
            if (value == null) {
                continue;
            }
            if (!value.isObject()) {
                return Optional.of(map + " is not an object");
            }
            for (Map.Entry<String, JsonNode> entry : value.properties()) {
                if (map.equals("users") && !MatrixIds.isUserId(entry.getKey())) {
                    return Optional.of("users key " + entry.getKey() + " is not a user ID");
                }
                if (PowerLevelValue.parse(entry.getValue(), version).isEmpty()) {
                    return Optional.of(map + "." + entry.getKey() + " is not " + integer + ": " + entry.getValue());
                }
            }
        }
        return Optional.empty();
    }

    /** A level that is added, changed or removed may neither have been nor become above the sender's. */
    private static Optional<AuthResult> checkChange(String name, JsonNode before, JsonNode after, long senderLevel) {
        Optional<Long> old = PowerLevelValue.parse(before, true);
        Optional<Long> updated = PowerLevelValue.parse(after, true);
        if (Objects.equals(old, updated)) {
            return Optional.empty();
        }
        if (old.isPresent() && old.get() > senderLevel) {
            return Optional.of(refused(AuthRule.POWER_LEVELS, "cannot change " + name + " from " + old.get()
                    + ": above the sender's own level " + senderLevel));
        }
        if (updated.isPresent() && updated.get() > senderLevel) {
            return Optional.of(refused(AuthRule.POWER_LEVELS, "cannot set " + name + " to " + updated.get()
                    + ": above the sender's own level " + senderLevel));
        }
        return Optional.empty();
    }

    /**
     * Another user's level may be changed or removed only while it is below the sender's; no level may be set
     * above the sender's.
     */
    private static AuthResult checkUsers(String sender, JsonNode before, JsonNode after, long senderLevel) {
        for (String user : keys(before, after)) {
            Optional<Long> old = PowerLevelValue.parse(before == null ? null : before.get(user), true);
            Optional<Long> updated = PowerLevelValue.parse(after == null ? null : after.get(user), true);
            if (Objects.equals(old, updated)) {
                continue;
            }
            if (old.isPresent() && !user.equals(sender) && old.get() >= senderLevel) {
                return refused(AuthRule.POWER_LEVELS, "cannot change the level of " + user + " from " + old.get()
                        + ": not below the sender's own level " + senderLevel);
            }
            if (updated.isPresent() && updated.get() > senderLevel) {
                return refused(AuthRule.POWER_LEVELS, "cannot set the level of " + user + " to " + updated.get()
                        + ": above the sender's own level " + senderLevel);
            }
        }
        return allowed();
    }

    private static SortedSet<String> keys(JsonNode before, JsonNode after) {
        SortedSet<String> keys = new TreeSet<>();
        for (JsonNode node : new JsonNode[] {before, after}) {
            if (node != null && node.isObject()) {
                node.fieldNames().forEachRemaining(keys::add);
            }
        }
        return keys;
    }
}
