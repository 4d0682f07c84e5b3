package dev.mxspec.homeserver.core;

/**
 * A fixed set of monitors chosen by key, for read-change-write sequences that must not interleave
 * for the same key (a user's push rules, one device's transaction) while different keys mostly
 * proceed in parallel.
 */
public final class KeyLocks {

    private final Object[] locks;

    public KeyLocks(int stripes) {
        locks = new Object[stripes];
        for (int i = 0; i < stripes; i++) {
            locks[i] = new Object();
        }
    }

    /** The monitor to synchronize on for this key. */
    public Object of(String key) {
        return locks[Math.floorMod(key.hashCode(), locks.length)];
    }
}
