package dev.mxspec.homeserver.core;

/** The keys writers name in {@link StreamCounter#next}: what a write changes, for readers to skip what did not change. */
public final class Changes {

    /** Any presence. */
    public static final String PRESENCE = "presence";

    /** Anyone's devices. */
    public static final String DEVICE_LISTS = "device_lists";

    private Changes() {}

    /** A new event in a room. */
    public static String room(String roomId) {
        return "room " + roomId;
    }

    /** A membership in a room. */
    public static String members(String roomId) {
        return "members " + roomId;
    }

    /** A room's history visibility or a membership in it: what decides who sees which of its events. */
    public static String visibility(String roomId) {
        return "visibility " + roomId;
    }

    /** A relation between events of a room (a new child, or a redacted one). */
    public static String relations(String roomId) {
        return "relations " + roomId;
    }

    /** A membership of a user, in any room. */
    public static String memberships(String userId) {
        return "memberships " + userId;
    }

    public static String accountData(String userId) {
        return "account_data " + userId;
    }

    public static String receipts(String roomId) {
        return "receipts " + roomId;
    }

    public static String toDevice(String userId, String deviceId) {
        return "to_device " + userId + " " + deviceId;
    }

    /** The one-time and fallback keys a device holds. */
    public static String keys(String userId, String deviceId) {
        return "keys " + userId + " " + deviceId;
    }

    /** The devices of a user (added, renamed, removed). */
    public static String devices(String userId) {
        return "devices " + userId;
    }
}
