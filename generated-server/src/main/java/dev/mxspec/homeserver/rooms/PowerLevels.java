package dev.mxspec.homeserver.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The effective power levels of a room, defaults filled in as the {@code m.room.power_levels} schema gives them:
 * ban, kick and redact 50, invite 0, events_default 0, state_default 50, users_default 0, notifications.room 50.
 * Without a power levels event the creator has 100 and everyone else 0.
 *
 * @param events        levels per event type, sorted
 * @param users         levels per user ID, sorted
 * @param notifications levels per notification key, sorted, {@code room} always present
 */
public record PowerLevels(
        long ban,
        long invite,
        long kick,
        long redact,
        long eventsDefault,
        long stateDefault,
        long usersDefault,
        Map<String, Long> events,
        Map<String, Long> users,
        Map<String, Long> notifications) {

    public static final long DEFAULT_BAN = 50;
    public static final long DEFAULT_INVITE = 0;
    public static final long DEFAULT_KICK = 50;
    public static final long DEFAULT_REDACT = 50;
    public static final long DEFAULT_EVENTS = 0;
    public static final long DEFAULT_STATE = 50;
    public static final long DEFAULT_USERS = 0;
    public static final long DEFAULT_ROOM_NOTIFICATION = 50;
    /** The creator's level while the room has no power levels event. */
    public static final long CREATOR_WITHOUT_EVENT = 100;

    public PowerLevels {
        events = frozen(events);
        users = frozen(users);
        notifications = frozen(notifications);
    }

    /** The levels of a room with no {@code m.room.power_levels} event. */
    public static PowerLevels withoutEvent(String creator) {
        return new PowerLevels(DEFAULT_BAN, DEFAULT_INVITE, DEFAULT_KICK, DEFAULT_REDACT, DEFAULT_EVENTS, DEFAULT_STATE,
                DEFAULT_USERS, Map.of(), Map.of(creator, CREATOR_WITHOUT_EVENT),
                Map.of("room", DEFAULT_ROOM_NOTIFICATION));
    }

    /**
     * The levels an {@code m.room.power_levels} content gives. Integer strings are read in every version (an
     * event already in the room passed its version's rules); a value that is not an integer counts as absent.
     */
    public static PowerLevels fromContent(JsonNode content) {
        SortedMap<String, Long> notifications = map(content.get("notifications"));
        notifications.putIfAbsent("room", DEFAULT_ROOM_NOTIFICATION);
        return new PowerLevels(
                level(content, "ban", DEFAULT_BAN),
                level(content, "invite", DEFAULT_INVITE),
                level(content, "kick", DEFAULT_KICK),
                level(content, "redact", DEFAULT_REDACT),
                level(content, "events_default", DEFAULT_EVENTS),
                level(content, "state_default", DEFAULT_STATE),
                level(content, "users_default", DEFAULT_USERS),
                map(content.get("events")),
                map(content.get("users")),
                notifications);
    }

    /** The level of {@code userId}: its {@code users} entry, else {@code users_default}. */
    public long userLevel(String userId) {
        return users.getOrDefault(userId, usersDefault);
    }

    /** The level needed to send {@code eventType}: its {@code events} entry, else state_default or events_default. */
    public long eventLevel(String eventType, boolean isState) {
        return events.getOrDefault(eventType, isState ? stateDefault : eventsDefault);
    }

    /** The level needed to trigger notification {@code key} ({@code room}: an {@code @room} mention). */
    public Optional<Long> notificationLevel(String key) {
        return Optional.ofNullable(notifications.get(key));
    }

    private static long level(JsonNode content, String key, long fallback) {
        return PowerLevelValue.parse(content.get(key), true).orElse(fallback);
    }

    private static SortedMap<String, Long> map(JsonNode node) {
        SortedMap<String, Long> levels = new TreeMap<>();
        if (node != null && node.isObject()) {
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                PowerLevelValue.parse(entry.getValue(), true).ifPresent(level -> levels.put(entry.getKey(), level));
            }
        }
        return levels;
    }

    private static SortedMap<String, Long> frozen(Map<String, Long> map) {
        return Collections.unmodifiableSortedMap(new TreeMap<>(map));
    }
}
