package dev.mxspec.homeserver.storage;

import dev.mxspec.homeserver.storage.Records.StoredEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The full-text index of room events: {@code content.body} of {@code m.room.message}, {@code content.name} of
 * {@code m.room.name} and {@code content.topic} of {@code m.room.topic}, for events of the timeline (backfilled history
 * included; never outliers, rejected or soft-failed events, nor encrypted ones, which hold no text). Entries are
 * written with their event ({@link RoomStore#persistEvent}, {@link GraphStore#storeBackfilled}) and removed when it is
 * redacted ({@link RoomStore#markRedacted}). SQLite keeps them in an FTS5 table (porter stemmer), PostgreSQL in a
 * {@code tsvector} column of the {@code english} configuration with a GIN index; a term is read the same way on
 * both (see {@link SearchTerms}).
 */
public interface SearchStore {

    /** The keys searched and the event type each belongs to. */
    List<String> KEYS = List.of("content.body", "content.name", "content.topic");

    /** The event type whose text a key holds. */
    static String typeOf(String key) {
        return switch (key) {
            case "content.body" -> "m.room.message";
            case "content.name" -> "m.room.name";
            case "content.topic" -> "m.room.topic";
            default -> throw new IllegalArgumentException("not a search key: " + key);
        };
    }

    /** A room to search, up to a stream position ({@link Long#MAX_VALUE}: all of it; a user who left: his leave). */
    record RoomScope(String roomId, long upTo) {}

    /**
     * What to look for.
     *
     * @param term the search term as the user typed it
     * @param rooms where (none: nothing is found)
     * @param keys which of {@link #KEYS}
     * @param senders only events of these senders, when given
     * @param notSenders never events of these senders
     * @param byRank most relevant first (else most recent first)
     */
    record Query(String term, List<RoomScope> rooms, Set<String> keys, Optional<Set<String>> senders, Set<String> notSenders,
            boolean byRank) {}

    /** A place in the results: those after it come next ({@code rank} counts only when ordered by rank). */
    record Position(double rank, long streamPos) {}

    /**
     * One event found.
     *
     * @param rank how well it matches, higher is closer
     * @param words the words of its text that matched, as they are written there
     */
    record Hit(StoredEvent event, double rank, List<String> words) {

        public Position position() {
            return new Position(rank, event.streamPos());
        }
    }

    /**
     * Up to {@code limit} events matching the query after a position, in the query's order: by rank, then most
     * recent first; or most recent first (by stream position, backfilled history last).
     */
    List<Hit> search(Query query, Optional<Position> after, int limit);

    /** Stream positions from {@code from} to {@code to}, both included. */
    record Span(long from, long to) {}

    /**
     * How many events match the query at the stream positions of the spans given for their room (a room given none, or
     * not in the map: no events).
     */
    long count(Query query, Map<String, List<Span>> spans);
}
