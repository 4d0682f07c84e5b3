package dev.mxspec.homeserver.rooms;

/** How a room version names its events. */
public enum EventIdFormat {

    /**
     * Versions 1 and 2: {@code $opaque_id:domain}, chosen by the server that created the event and carried in
     * the event's {@code event_id}; {@code prev_events} and {@code auth_events} are {@code [event_id, hashes]}
     * pairs, and the event needs a signature from the event ID's server too.
     */
    SERVER_ASSIGNED,

    /** Version 3: {@code $} and the reference hash in unpadded standard Base64 (may hold {@code /} and {@code +}). */
    REFERENCE_HASH,

    /** Versions 4 and later: {@code $} and the reference hash in unpadded URL-safe Base64. */
    URL_SAFE_REFERENCE_HASH;

    /** Whether the ID is derived from the event's content rather than carried in it. */
    public boolean isHash() {
        return this != SERVER_ASSIGNED;
    }
}
