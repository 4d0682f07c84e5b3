package dev.mxspec.homeserver.storage;

import java.util.List;
import java.util.Optional;

/**
 * Devices across servers: what this server announced of its users' devices ({@code m.device_list_update}), the
 * cached device lists of other servers' users, and the to-device messages received from other servers.
 */
public interface DeviceFederationStore {

    /** A device as last announced to other servers: {@code json} holds its keys and display name. */
    record AnnouncedDevice(String userId, String deviceId, long streamId, boolean deleted, String json) {}

    /** Another server's user's device list: {@code devices} is a JSON object of device ID to keys and display name. */
    record RemoteDeviceList(String userId, long streamId, String devices) {}

    /** The devices of a local user as announced (deleted ones included). */
    List<AnnouncedDevice> announcedDevices(String userId);

    /** Records announcements (replacing the earlier one of each device). */
    void saveAnnouncedDevices(List<AnnouncedDevice> devices);

    /** A cached device list of another server's user. */
    Optional<RemoteDeviceList> remoteDeviceList(String userId);

    /** Caches (or replaces) a device list of another server's user. */
    void saveRemoteDeviceList(RemoteDeviceList list);

    /**
     * Replaces a cached device list only if it is still at {@code expectedStreamId}; false when it changed or went in
     * between.
     */
    boolean updateRemoteDeviceList(RemoteDeviceList list, long expectedStreamId);

    /** Drops a cached device list (it will be fetched again). */
    void dropRemoteDeviceList(String userId);

    /** Records a to-device message of {@code origin}; false when it was received before. */
    boolean saveReceivedToDevice(String origin, String messageId, long ts);
}
