package dev.mxspec.homeserver.storage;

import java.util.List;
import java.util.Optional;

/** When, from where and with which client each device was last used. */
public interface DeviceActivityStore {

    /** A device's last request: its time, the address it came from and the client's {@code User-Agent}. */
    record DeviceActivity(String deviceId, Optional<Long> lastSeenTs, Optional<String> lastSeenIp, Optional<String> userAgent) {}

    /** Notes a request of the device (nothing when the device is gone). */
    void deviceSeen(String userId, String deviceId, long ts, String ip, Optional<String> userAgent);

    /** The user's devices with their last request, by device ID. */
    List<DeviceActivity> deviceActivity(String userId);
}
