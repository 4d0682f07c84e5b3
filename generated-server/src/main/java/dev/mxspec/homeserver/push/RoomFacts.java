package dev.mxspec.homeserver.push;

/** What conditions read from the room, the same for every member: member count and power levels. */
public interface RoomFacts {

    long joinedMembers();

    long senderLevel(String sender);

    /** {@code notifications[key]} of the power levels (50 when absent). */
    long notificationLevel(String key);
}
