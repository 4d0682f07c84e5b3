package dev.mxspec.homeserver.core;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Values read from storage once and kept until a write names their key in
 * {@link StreamCounter#next}. An entry remembers the stream position it was read at and is used
 * only while its key did not change after that position, so a read racing a write never keeps
 * the older value.
 */
public final class StreamCache<V> {

    private record Cached<V>(V value, long asOf) {}

    private final StreamCounter stream;
    private final ConcurrentHashMap<String, Cached<V>> entries = new ConcurrentHashMap<>();

    public StreamCache(StreamCounter stream) {
        this.stream = stream;
    }

    /** The value of {@code key} (a {@link Changes} key), loaded when absent or changed since it was read. */
    public V get(String key, Supplier<V> load) {
        Cached<V> c = entries.get(key);
        if (c != null && !stream.changedSince(key, c.asOf())) {
            return c.value();
        }
        long asOf = stream.current();
        V value = load.get();
        entries.put(key, new Cached<>(value, asOf));
        return value;
    }
}
