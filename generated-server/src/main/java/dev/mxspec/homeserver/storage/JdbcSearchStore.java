package dev.mxspec.homeserver.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.homeserver.storage.Records.StoredEvent;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The SQL of {@link SearchStore}, mixed into {@link JdbcStorage}: the one aggregate whose SQL differs between the two
 * databases. SQLite: the FTS5 table {@code event_search_text} (rowid: the event's stream position) ranked by
 * {@code bm25}, and beside it the table {@code event_search} with each entry's room, sender and key (small rows that
 * filter matches faster than FTS5's own unindexed columns, which it reads with the whole text). PostgreSQL: the table
 * {@code event_search} holding the text's words ({@link SearchTerms#plain}) with a generated {@code tsvector}, ranked by
 * {@code ts_rank}. Both made by {@link V20__SearchIndex}.
 */
interface JdbcSearchStore extends SearchStore {

    Jdbc jdbc();

    /** The marks around matched words in the text the databases give back ({@code highlight}, {@code ts_headline}). */
    char START = '\u0002';
    char STOP = '\u0003';

    /**
     * The key and text an event gives the index, if any: the body of a message, the name or topic of the room, each a
     * non-empty string (with NUL characters, which PostgreSQL's text cannot hold, made spaces).
     */
    static Optional<List<String>> entry(String type, Optional<String> stateKey, String json) {
        String key = switch (type) {
            case "m.room.message" -> stateKey.isEmpty() ? "content.body" : null;
            case "m.room.name" -> stateKey.equals(Optional.of("")) ? "content.name" : null;
            case "m.room.topic" -> stateKey.equals(Optional.of("")) ? "content.topic" : null;
            default -> null;
        };
        if (key == null) {
            return Optional.empty();
        }
        JsonNode content;
        try {
            content = MatrixJson.mapper().readTree(json).path("content");
        } catch (IOException e) {
            return Optional.empty();
        }
        JsonNode value = content.path(key.substring("content.".length()));
        if (!value.isTextual() || value.asText().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(List.of(key, value.asText().replace('\u0000', ' ')));
    }

    /** Indexes an event in the transaction that stores it, when it is in the timeline ({@code status} empty) and has text. */
    static void index(Connection c, StoredEvent e, Optional<EventStatus> status) throws SQLException {
        if (status.isPresent() || e.redactedBy().isPresent()) {
            return;
        }
        Optional<List<String>> entry = entry(e.type(), e.stateKey(), e.json());
        if (entry.isEmpty()) {
            return;
        }
        String key = entry.get().get(0);
        String text = entry.get().get(1);
        if (Jdbc.sqlite(c)) {
            Jdbc.update(c, "INSERT OR REPLACE INTO event_search_text (rowid, value) VALUES (?, ?)", e.streamPos(), SearchTerms.fold(text));
            Jdbc.update(c, "INSERT INTO event_search (stream_pos, room_id, sender, key) VALUES (?, ?, ?, ?) ON CONFLICT (stream_pos) "
                    + "DO NOTHING", e.streamPos(), e.roomId(), e.sender(), key);
        } else {
            Jdbc.update(c, "INSERT INTO event_search (stream_pos, room_id, sender, key, value) VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT (stream_pos) DO NOTHING", e.streamPos(), e.roomId(), e.sender(), key, SearchTerms.plain(SearchTerms.fold(text)));
        }
    }

    /** Removes a redacted event from the index, in the transaction that redacts it: its old text is found no more. */
    static void unindex(Connection c, String eventId) throws SQLException {
        if (Jdbc.sqlite(c)) {
            Jdbc.update(c, "DELETE FROM event_search_text WHERE rowid IN (SELECT stream_pos FROM events WHERE event_id = ?)", eventId);
        }
        Jdbc.update(c, "DELETE FROM event_search WHERE stream_pos IN (SELECT stream_pos FROM events WHERE event_id = ?)", eventId);
    }

    /** SQLite's FTS5 table, known by its name in {@code MATCH} and its functions (an alias does not name it). */
    String FTS = "event_search_text";

    @Override
    default List<Hit> search(Query query, Optional<Position> after, int limit) {
        SearchTerms terms = SearchTerms.parse(query.term());
        if (terms.empty() || query.rooms().isEmpty() || query.keys().isEmpty() || limit <= 0) {
            return List.of();
        }
        return jdbc().transaction(c -> {
            boolean sqlite = Jdbc.sqlite(c);
            String pos = sqlite ? FTS + ".rowid" : "s.stream_pos"; // FTS5 reads rowid ranges and orders from its own index
            String score = sqlite ? "-bm25(" + FTS + ")" : "ts_rank(s.vector, q)::float8";
            List<Object> args = new ArrayList<>();
            StringBuilder where = new StringBuilder();
            matching(sqlite, terms, where, args);
            filters(query, pos, Optional.empty(), where, args);
            if (after.isPresent()) {
                if (query.byRank()) {
                    where.append(" AND (").append(score).append(" < ? OR (").append(score).append(" = ? AND ").append(pos).append(" < ?))");
                    args.addAll(List.of(after.get().rank(), after.get().rank(), after.get().streamPos()));
                } else {
                    where.append(" AND ").append(pos).append(" < ?");
                    args.add(after.get().streamPos());
                }
            }
            String order = (query.byRank() ? "score DESC, " : "") + "position DESC";
            args.add(limit);
            String sql;
            if (sqlite) {
                sql = "SELECT e.*, " + score + " AS score, " + pos + " AS position, highlight(" + FTS + ", 0, char(2), char(3)) AS marked "
                        + "FROM " + FTS + " JOIN event_search s ON s.stream_pos = " + pos + " JOIN events e ON e.stream_pos = s.stream_pos "
                        + "WHERE " + where + " ORDER BY " + order + " LIMIT ?";
            } else {
                sql = "SELECT e.*, f.score, f.position, ts_headline('english', f.value, websearch_to_tsquery('english', ?), ?) AS marked FROM "
                        + "(SELECT s.stream_pos AS position, s.value, " + score + " AS score FROM event_search s, "
                        + "websearch_to_tsquery('english', ?) q WHERE " + where + " ORDER BY " + order + " LIMIT ?) f "
                        + "JOIN events e ON e.stream_pos = f.position ORDER BY " + order.replace("score", "f.score").replace("position", "f.position");
                args.addAll(0, List.of(terms.websearch(), "HighlightAll=true, StartSel=" + START + ", StopSel=" + STOP));
            }
            return Jdbc.query(c, sql, rs -> {
                StoredEvent e = JdbcRoomStore.event(rs);
                return new Hit(e, rs.getDouble("score"), written(e, marked(rs.getString("marked"))));
            }, args.toArray());
        });
    }

    @Override
    default long count(Query query, Map<String, List<Span>> spans) {
        SearchTerms terms = SearchTerms.parse(query.term());
        if (terms.empty() || query.keys().isEmpty() || query.rooms().stream().noneMatch(r -> !spans.getOrDefault(r.roomId(), List.of()).isEmpty())) {
            return 0;
        }
        return jdbc().transaction(c -> {
            boolean sqlite = Jdbc.sqlite(c);
            List<Object> args = new ArrayList<>();
            StringBuilder where = new StringBuilder();
            matching(sqlite, terms, where, args);
            filters(query, sqlite ? FTS + ".rowid" : "s.stream_pos", Optional.of(spans), where, args);
            String sql = sqlite ? "SELECT COUNT(*) FROM " + FTS + " JOIN event_search s ON s.stream_pos = " + FTS + ".rowid WHERE " + where
                    : "SELECT COUNT(*) FROM event_search s, websearch_to_tsquery('english', ?) q WHERE " + where;
            return Jdbc.query(c, sql, rs -> rs.getLong(1), args.toArray()).getFirst();
        });
    }

    /** The text condition: FTS5's {@code MATCH}, or the {@code tsvector} against the query {@code q} (its term the first argument). */
    private static void matching(boolean sqlite, SearchTerms terms, StringBuilder where, List<Object> args) {
        args.add(sqlite ? terms.fts5() : terms.websearch());
        where.append(sqlite ? FTS + " MATCH ?" : "s.vector @@ q");
    }

    /**
     * The rooms (each up to its position, and within its spans when given), keys and senders of a query, as SQL
     * conditions (at least one room: the query's, or with spans one that has some).
     */
    private static void filters(Query query, String pos, Optional<Map<String, List<Span>>> spans, StringBuilder where, List<Object> args) {
        List<String> whole = spans.isPresent() ? List.of()
                : query.rooms().stream().filter(r -> r.upTo() == Long.MAX_VALUE).map(RoomScope::roomId).toList();
        List<String> rooms = new ArrayList<>();
        if (!whole.isEmpty()) {
            rooms.add("s.room_id IN (" + marks(whole.size()) + ")");
            args.addAll(whole);
        }
        for (RoomScope r : query.rooms()) {
            List<Span> in = spans.map(m -> m.getOrDefault(r.roomId(), List.of())).orElse(List.of());
            if (spans.isPresent() && in.isEmpty() || spans.isEmpty() && r.upTo() == Long.MAX_VALUE) {
                continue;
            }
            StringBuilder room = new StringBuilder("(s.room_id = ?");
            args.add(r.roomId());
            if (r.upTo() != Long.MAX_VALUE) {
                room.append(" AND ").append(pos).append(" <= ?");
                args.add(r.upTo());
            }
            if (!in.isEmpty()) {
                room.append(" AND (").append(String.join(" OR ", Collections.nCopies(in.size(), pos + " BETWEEN ? AND ?"))).append(")");
                in.forEach(span -> args.addAll(List.of(span.from(), span.to())));
            }
            rooms.add(room.append(")").toString());
        }
        where.append(" AND (").append(String.join(" OR ", rooms)).append(")");
        where.append(" AND s.key IN (").append(marks(query.keys().size())).append(")");
        args.addAll(query.keys());
        if (query.senders().isPresent()) {
            if (query.senders().get().isEmpty()) {
                where.append(" AND 1 = 0");
            } else {
                where.append(" AND s.sender IN (").append(marks(query.senders().get().size())).append(")");
                args.addAll(query.senders().get());
            }
        }
        if (!query.notSenders().isEmpty()) {
            where.append(" AND s.sender NOT IN (").append(marks(query.notSenders().size())).append(")");
            args.addAll(query.notSenders());
        }
    }

    private static String marks(int n) {
        return String.join(",", Collections.nCopies(n, "?"));
    }

    /**
     * The words of an event's text whose folded form ({@link SearchTerms#fold}) is one of the words marked in its folded
     * text, as the text writes them ({@code Café} for a marked {@code cafe}), in order, each once; the marked words
     * themselves when none is (a text the index holds differently).
     */
    private static List<String> written(StoredEvent e, List<String> marked) {
        Set<String> folded = marked.stream().flatMap(m -> SearchTerms.words(m).stream()).collect(Collectors.toSet()); // a phrase is marked whole
        List<String> words = entry(e.type(), e.stateKey(), e.json()).map(entry -> SearchTerms.words(entry.get(1))).orElse(List.of()).stream()
                .filter(w -> folded.contains(SearchTerms.fold(w))).distinct().toList();
        return words.isEmpty() ? marked : words;
    }

    /** The words between the marks of a highlighted text, in order, each once. */
    private static List<String> marked(String text) {
        if (text == null) {
            return List.of();
        }
        Set<String> words = new LinkedHashSet<>();
        int from = 0;
        while (true) {
            int start = text.indexOf(START, from);
            if (start < 0) {
                break;
            }
            int stop = text.indexOf(STOP, start + 1);
            if (stop < 0) {
                break;
            }
            String word = text.substring(start + 1, stop).strip();
            if (!word.isEmpty()) {
                words.add(word);
            }
            from = stop + 1;
        }
        return List.copyOf(words);
    }
}
