package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.PushAction;
import dev.mxspec.homeserver.storage.Records.UnreadCounts;
import java.util.List;

/**
 * Notifications: what the push rules of the members made of each event (written with the event,
 * {@link RoomStore#persistEvent(Records.StoredEvent, java.util.Optional, java.util.Optional, List, List)}),
 * and how far each member has read each room and thread.
 */
public interface NotificationStore {

    /** Where a member has read a room up to: {@code threadId} empty for the whole room, else {@code main} or a thread root. */
    record ReadMark(String userId, String roomId, String threadId, long streamPos) {}

    /** A notification of a member and whether he has read past it. */
    record Notified(PushAction action, boolean read) {}

    /** Moves a read mark forward (never back). */
    void markRead(ReadMark mark);

    /** A member's read marks in a room (the unthreaded one with an empty thread ID). */
    List<ReadMark> readMarks(String userId, String roomId);

    /**
     * The unread notifications of a member in a room after a stream position up to another, per thread ({@code main}
     * for the main timeline); threads with none left out.
     */
    List<UnreadCounts> unread(String userId, String roomId, long after, long upTo);

    /** The unread notifications of a member in the rooms he is joined to. */
    UnreadCounts unreadTotal(String userId);

    /**
     * A member's notifications before a stream position, newest first, each with whether it is read.
     *
     * @param onlyHighlight only those that highlight
     */
    List<Notified> notifications(String userId, long before, int limit, boolean onlyHighlight);

    /** A member's notifications after a position, oldest first (for delivery to push gateways). */
    List<PushAction> pushActions(String userId, long after, int limit);
}
