package dev.mxspec.homeserver.sync;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.services.UserStreams;
import dev.mxspec.homeserver.storage.Records.Presence;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Presence in {@code /sync}: {@code set_presence} of the request, and the {@code presence}
 * section, which carries the presence of the users who share a room with the user (the user
 * included): all of it in an initial sync; in an incremental one, what changed since, and the
 * presence of users who newly share a room with the user, changed or not.
 */
final class PresenceSection {

    private final UserStreams streams;
    private final LongSupplier position;
    private final LongSupplier clock;
    /** User and requested presence to the position at which it was seen to hold. */
    private final ConcurrentHashMap<String, Long> known = new ConcurrentHashMap<>();

    PresenceSection(UserStreams streams, LongSupplier position, LongSupplier clock) {
        this.streams = streams;
        this.position = position;
        this.clock = clock;
    }

    /**
     * {@code online} (the default) marks a user who is offline (or never set a presence) online,
     * {@code unavailable} marks the user unavailable, {@code offline} changes nothing. Answered
     * from memory while no presence changed since the user's was checked.
     */
    void onSync(String userId, String setPresence) {
        if (setPresence.equals("offline")) {
            return;
        }
        String key = userId + " " + setPresence;
        Long checked = known.get(key);
        if (checked != null && !streams.presenceChangedSince(checked)) {
            return;
        }
        long at = position.getAsLong();
        Optional<Presence> current = streams.presence(userId);
        String now = current.map(Presence::presence).orElse("offline");
        if (setPresence.equals("online") ? now.equals("offline") : !now.equals(setPresence)) {
            streams.setPresence(userId, setPresence, current.flatMap(Presence::statusMsg));
            at = position.getAsLong();
        }
        if (known.size() > 100_000) {
            known.clear();
        }
        known.put(key, at);
    }

    /** What one sync collects while it goes through the user's rooms. */
    static final class Audience {
        final Set<String> sharing = new TreeSet<>();
        final Set<String> appeared = new TreeSet<>();
    }

    /**
     * Whether the sync needs everyone who shares a room with the user: an initial sync, or a
     * presence changed since.
     */
    boolean needsSharing(long since, boolean initial) {
        return initial || streams.presenceChangedSince(since);
    }

    /** The section; {@code withSharing} as {@link #needsSharing} answered when the audience was collected. */
    void write(ArrayNode events, Audience audience, boolean withSharing, long since, long upTo, SyncFilter.EventFilter filter) {
        List<Presence> found = new ArrayList<>(withSharing ? streams.presenceSince(List.copyOf(audience.sharing), since, upTo) : List.of());
        Set<String> appeared = new TreeSet<>(audience.appeared);
        found.forEach(p -> appeared.remove(p.userId()));
        if (!appeared.isEmpty()) {
            found.addAll(streams.presenceSince(List.copyOf(appeared), 0, upTo));
        }
        long now = clock.getAsLong();
        found.stream().filter(p -> filter.keeps("m.presence", p.userId())).limit(filter.limit().orElse(Integer.MAX_VALUE)).forEach(p -> {
            ObjectNode event = events.addObject().put("type", "m.presence").put("sender", p.userId());
            ObjectNode content = event.putObject("content").put("presence", p.presence())
                    .put("last_active_ago", Math.max(0, now - p.lastActiveTs())).put("currently_active", p.presence().equals("online"));
            p.statusMsg().ifPresent(msg -> content.put("status_msg", msg));
        });
    }
}
