package dev.mxspec.client.sdk;

import java.util.Optional;

/**
 * Unread notifications as the server counts them ({@code unread_notifications} of a room,
 * {@code unread_thread_notifications} of a thread): how many, and how many of those highlight
 * (a mention of the user, a keyword).
 */
public record Unread(long notifications, long highlights) {

    public static final Unread NONE = new Unread(0, 0);

    static Unread of(Optional<Long> notifications, Optional<Long> highlights) {
        return new Unread(notifications.orElse(0L), highlights.orElse(0L));
    }

    public Unread plus(Unread other) {
        return new Unread(notifications + other.notifications, highlights + other.highlights);
    }

    /** Whether anything is unread. */
    public boolean any() {
        return notifications > 0 || highlights > 0;
    }

    /** {@code 3 unread, 1 highlighted}. */
    @Override
    public String toString() {
        return notifications + " unread, " + highlights + " highlighted";
    }
}
