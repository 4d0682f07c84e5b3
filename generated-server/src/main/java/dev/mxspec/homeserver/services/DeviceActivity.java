package dev.mxspec.homeserver.services;

import dev.mxspec.homeserver.core.Caller;
import dev.mxspec.homeserver.storage.DeviceActivityStore;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Notes when, from where and with which client each device makes requests ({@code last_seen_ts} and
 * {@code last_seen_ip} of {@code GET /devices}, {@code GET /admin/whois}). A device's request is written at most once a
 * {@link #WRITE_EVERY_MS} unless its address or client changed, so that busy clients cost no write per request.
 */
public final class DeviceActivity {

    static final long WRITE_EVERY_MS = 60_000;
    private static final int MAX_REMEMBERED = 100_000;
    /** Longer {@code User-Agent}s are cut: the column is for telling clients apart, not for storing what a client sends. */
    static final int MAX_USER_AGENT = 512;

    private record Written(long ts, String ip, Optional<String> userAgent) {}

    private final DeviceActivityStore store;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Written> written = new ConcurrentHashMap<>();

    public DeviceActivity(DeviceActivityStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A request of the caller's device from {@code ip} with {@code userAgent}. */
    public void seen(Caller caller, String ip, Optional<String> userAgent) {
        if (caller.device().isEmpty()) {
            return;
        }
        Optional<String> agent = userAgent.map(a -> a.length() > MAX_USER_AGENT ? a.substring(0, MAX_USER_AGENT) : a);
        String key = caller.userId() + "\u0000" + caller.device().get();
        long now = clock.getAsLong();
        Written last = written.get(key);
        if (last != null && now - last.ts() < WRITE_EVERY_MS && last.ip().equals(ip) && last.userAgent().equals(agent)) {
            return;
        }
        if (written.size() >= MAX_REMEMBERED) {
            written.clear();
        }
        written.put(key, new Written(now, ip, agent));
        store.deviceSeen(caller.userId(), caller.device().get(), now, ip, agent);
    }
}
