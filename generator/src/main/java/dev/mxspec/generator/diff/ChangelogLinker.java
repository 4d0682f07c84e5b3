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
        return linked;
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
        boolean sameApi = entry.apiKind().equals(change.api())
                || change.api().isEmpty() && entry.apiKind().map(k -> k == dev.mxspec.generator.model.ApiKind.CLIENT_SERVER).orElse(false);
        if (sameApi || score > 0) {
            Set<String> ids = new HashSet<>();
            change.identifiers().forEach(id -> ids.add(normal(id)));
            for (String name : entry.names()) {
                if (ids.contains(normal(name)) && meaningful(name, score)) {
                    score += NAME;
                }
            }
        }
        if (score > 0 && change.addedIn().isPresent() && entry.version().equals("v" + change.addedIn().get())) {
            score += VERSION;
        }
        return score;
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
