package dev.mxspec.generator.diff;

import dev.mxspec.generator.changelog.Category;
import dev.mxspec.generator.changelog.Changelog;
import dev.mxspec.generator.changelog.Entry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Links structural changes to the changelog entries that explain them, wherever the changelog
 * filed them: by endpoint ({@code POST /_matrix/app/v1/ping}, under any API heading), by path
 * ({@code /keys/query}, {@code /rooms/<roomID>/timestamp_to_event}: a suffix of the operation's
 * path, placeholders matching any segment), by name ({@code token}, {@code {key_id}} for
 * {@code keyId}) within the same API, and by the version the spec's own added-in marker gives.
 */
public final class ChangelogLinker {

    private static final int ENDPOINT = 10;
    private static final int PATH = 6;
    private static final int NAME = 3;
    private static final int VERSION = 1;
    private static final int WORD = 2;

    /** Words too common in changelog prose and paths to tell anything apart. */
    private static final Set<String> COMMON = Set.of(
            "the", "a", "an", "to", "of", "for", "and", "or", "in", "on", "as", "per", "with", "by", "is", "be", "it",
            "add", "added", "adds", "new", "support", "allow", "ability", "use", "using", "when", "from", "that", "this",
            "matrix", "client", "server", "federation", "api", "v1", "v2", "v3", "r0", "endpoint", "endpoints",
            "request", "response", "field", "fields", "property", "properties", "parameter", "msc", "spec", "room",
            "rooms", "event", "events", "user", "users", "id", "ids", "type", "content", "key", "keys", "clarify",
            "fix", "remove", "update", "make", "via", "not", "are", "now", "can", "may", "should", "must", "which");

    private ChangelogLinker() {}

    public static List<LinkedChange> link(List<Change> changes, List<Changelog> changelogs) {
        List<Entry> entries = changelogs.stream().flatMap(c -> c.entries().stream()).toList();
        List<LinkedChange> linked = new ArrayList<>();
        for (Change change : changes) {
            Map<Entry, Integer> scores = new LinkedHashMap<>();
            for (Entry entry : entries) {
                int score = score(change, entry);
                if (score >= NAME) {
                    scores.put(entry, score);
                }
            }
            List<Entry> best = scores.entrySet().stream()
                    .sorted(Map.Entry.<Entry, Integer>comparingByValue().reversed())
                    .limit(3)
                    .map(Map.Entry::getKey)
                    .toList();
            linked.add(new LinkedChange(change, best));
        }
        return alike(linked);
    }

    /**
     * Identical changes on sibling endpoints (the same kind, place and values, such as a field made
     * nullable in both {@code POST /publicRooms} of the client-server and the server-server API)
     * are explained alike: one without entries takes those of an explained sibling.
     */
    private static List<LinkedChange> alike(List<LinkedChange> linked) {
        Map<String, List<Entry>> explained = new LinkedHashMap<>();
        for (LinkedChange l : linked) {
            if (l.explained()) {
                explained.putIfAbsent(sibling(l.change()), l.entries());
            }
        }
        List<LinkedChange> result = new ArrayList<>();
        for (LinkedChange l : linked) {
            List<Entry> fromSibling = explained.get(sibling(l.change()));
            result.add(!l.explained() && fromSibling != null && !l.change().location().isEmpty()
                    ? new LinkedChange(l.change(), fromSibling)
                    : l);
        }
        return result;
    }

    private static String sibling(Change c) {
        String path = c.subject().contains(" ") ? c.subject().substring(c.subject().indexOf(' ') + 1) : c.subject();
        String last = path.substring(path.lastIndexOf('/') + 1);
        return c.kind() + "|" + c.subject().split(" ", 2)[0] + "|" + last + "|" + c.location() + "|" + c.before() + "|" + c.after();
    }

    /**
     * Entries that promise a change of operations (new, removed or deprecated endpoints, breaking
     * changes naming endpoints) that no structural change shows.
     */
    public static List<Entry> unfulfilled(List<LinkedChange> linked, List<Changelog> changelogs) {
        Set<Entry> explaining = new HashSet<>();
        for (LinkedChange l : linked) {
            for (Entry e : l.entries()) {
                if (fits(e.category(), l.change().kind())) {
                    explaining.add(e);
                }
            }
        }
        List<Entry> promises = new ArrayList<>();
        for (Changelog log : changelogs) {
            for (Entry e : log.entries()) {
                boolean promisesOperations = e.category() == Category.NEW_ENDPOINTS || e.category() == Category.REMOVED_ENDPOINTS
                        || e.category() == Category.DEPRECATIONS && !e.endpoints().isEmpty();
                if (promisesOperations && !explaining.contains(e)) {
                    promises.add(e);
                }
            }
        }
        return promises;
    }

    /** Whether a change is what an entry of this category announces. */
    private static boolean fits(Category category, ChangeKind kind) {
        return switch (category) {
            case NEW_ENDPOINTS -> kind == ChangeKind.OPERATION_ADDED;
            case REMOVED_ENDPOINTS -> kind == ChangeKind.OPERATION_REMOVED;
            case DEPRECATIONS -> kind == ChangeKind.OPERATION_DEPRECATED;
            default -> true;
        };
    }

    static int score(Change change, Entry entry) {
        int score = 0;
        String key = change.subject();
        boolean operation = key.indexOf(' ') > 0 && key.contains("/");
        if (operation) {
            String method = key.substring(0, key.indexOf(' '));
            List<String> paths = new ArrayList<>(List.of(key.substring(key.indexOf(' ') + 1)));
            if (change.kind() == ChangeKind.OPERATION_MOVED) {
                paths.add(change.before());
            }
            for (String endpoint : entry.endpoints()) {
                int space = endpoint.indexOf(' ');
                if (space > 0 && endpoint.substring(0, space).equalsIgnoreCase(method)
                        && paths.stream().anyMatch(p -> samePath(p, endpoint.substring(space + 1)))) {
                    score += ENDPOINT;
                }
            }
            if (score == 0) {
                for (String path : entry.paths()) {
                    if (paths.stream().anyMatch(p -> pathSuffix(p, path))) {
                        score += PATH;
                        break;
                    }
                }
            }
        }
        // An entry naming other endpoints only explains this one through a distinctive name ({key_id}).
        boolean elsewhere = operation && score == 0 && (!entry.endpoints().isEmpty() || !entry.paths().isEmpty());
        boolean sameApi = entry.apiKind().equals(change.api())
                || change.api().isEmpty() && entry.apiKind().map(k -> k == dev.mxspec.generator.model.ApiKind.CLIENT_SERVER).orElse(false);
        if (sameApi || score > 0) {
            Set<String> ids = new HashSet<>();
            change.identifiers().forEach(id -> ids.add(normal(id)));
            for (String name : entry.names()) {
                if (ids.contains(normal(name)) && (elsewhere ? distinctive(name) : meaningful(name, score))) {
                    score += NAME;
                }
            }
        }
        boolean prose = entry.category() != Category.NEW_ENDPOINTS && entry.category() != Category.REMOVED_ENDPOINTS;
        boolean aboutThisEvent = operation || eventType(change).map(t -> entry.text().contains(t + "`") || entry.text().contains(t + " ")
                || entry.names().contains(t)).orElse(false);
        if (sameApi && score == 0 && prose && aboutThisEvent && !elsewhere) {
            int shared = sharedWords(change, entry);
            boolean sameRelease = change.addedIn().map(v -> entry.version().equals("v" + v)).orElse(false);
            // Two shared words, or one when the spec's own added-in marker points at this entry's release.
            score += shared >= 2 || shared == 1 && sameRelease ? WORD * Math.max(shared, 2) : 0;
        }
        if (score > 0 && change.addedIn().isPresent() && entry.version().equals("v" + change.addedIn().get())) {
            score += VERSION;
        }
        return score;
    }

    /** Distinct meaningful words the change's names and path share with the entry's text ({@code redirect}, {@code media}, {@code download}). */
    private static int sharedWords(Change change, Entry entry) {
        Set<String> changeWords = new HashSet<>();
        change.identifiers().forEach(id -> changeWords.addAll(words(id)));
        changeWords.addAll(words(change.subject()));
        changeWords.addAll(words(change.location()));
        Set<String> entryWords = words(entry.summary());
        entryWords.retainAll(changeWords);
        return entryWords.size();
    }

    /** The event type of an event change ({@code event m.call.hangup} gives {@code m.call.hangup}). */
    private static Optional<String> eventType(Change change) {
        if (!change.subject().startsWith("event ")) {
            return Optional.empty();
        }
        String file = change.subject().substring(6);
        int dollar = file.indexOf('$');
        return Optional.of(dollar < 0 ? file : file.substring(0, dollar));
    }

    private static Set<String> words(String text) {
        Set<String> words = new HashSet<>();
        String withoutPlaceholders = text.replaceAll("\\{[^}]*}|<[^>]*>", " ");
        for (String w : withoutPlaceholders.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            String stem = w.length() > 4 && w.endsWith("s") ? w.substring(0, w.length() - 1) : w;
            if (stem.length() > 2 && !COMMON.contains(stem) && !COMMON.contains(w)) {
                words.add(stem);
            }
        }
        return words;
    }

    private static boolean distinctive(String name) {
        return name.contains("{") || name.contains(".") || name.contains("_");
    }

    /** A bare field name like {@code type} only counts next to an endpoint or path match; longer names count alone. */
    private static boolean meaningful(String name, int scoreSoFar) {
        return scoreSoFar > 0 || name.length() >= 6 || name.contains(".") || name.contains("_") || name.contains("{");
    }

    private static String normal(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[{}<>`_\\-]", "");
    }

    private static boolean samePath(String a, String b) {
        List<String> x = segments(a);
        List<String> y = segments(b);
        return x.size() == y.size() && pathSuffix(a, b);
    }

    /** Whether {@code tail}'s segments end {@code path}'s, placeholders matching any segment. */
    static boolean pathSuffix(String path, String tail) {
        List<String> p = segments(path);
        List<String> t = segments(tail);
        if (t.isEmpty() || t.size() > p.size()) {
            return false;
        }
        int offset = p.size() - t.size();
        for (int i = 0; i < t.size(); i++) {
            String a = p.get(offset + i);
            String b = t.get(i);
            if (!(placeholder(a) && placeholder(b)) && !a.equals(b)) {
                return false;
            }
        }
        return true;
    }

    private static boolean placeholder(String segment) {
        return segment.startsWith("{") && segment.endsWith("}") || segment.startsWith("<") && segment.endsWith(">");
    }

    private static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                segments.add(s);
            }
        }
        return segments;
    }


}
