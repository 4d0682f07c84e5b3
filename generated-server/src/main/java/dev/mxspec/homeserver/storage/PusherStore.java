package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.Pusher;
import java.util.List;
import java.util.Optional;

/** Pushers, and how far each has delivered its user's notifications. */
public interface PusherStore {

    List<Pusher> pushers(String userId);

    List<Pusher> allPushers();

    Optional<Pusher> pusher(String appId, String pushkey, String userId);

    /** Adds a pusher, or replaces the one of the same app ID, pushkey and user. */
    void savePusher(Pusher pusher);

    /** Removes a pusher; false when there was none. */
    boolean deletePusher(String appId, String pushkey, String userId);

    /** Removes the pushers of an app ID and pushkey that belong to other users. */
    void deleteOtherUsersPushers(String appId, String pushkey, String userId);

    /** Records a pusher's progress: the last position delivered and when its current failures began. */
    void pusherProgress(String appId, String pushkey, String userId, long lastStreamPos, Optional<Long> failingSince);
}
