package dev.mxspec.homeserver.services;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.storage.AccountStore;
import dev.mxspec.homeserver.storage.UserDirectoryStore;
import dev.mxspec.homeserver.storage.UserDirectoryStore.DirectoryMember;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.IOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The user directory ({@code POST /user_directory/search}): the users the searcher shares a room with, and the users
 * of public rooms (join rule {@code public} or world-readable history), as Synapse's default directory holds them.
 * Every word of the search term must begin a word of the user's display name or user ID, ignoring case and accents.
 * People who share a room with the searcher come first, then names that begin with the whole term; deactivated local
 * users and the searcher himself are left out.
 */
public final class UserDirectory {

    /** Results per search at most, whatever the client asks. */
    public static final int MAX_LIMIT = 100;
    private static final Pattern WORD_BREAK = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");

    public record Entry(String userId, Optional<String> displayName, Optional<String> avatarUrl) {}

    public record Result(List<Entry> results, boolean limited) {}

    private final UserDirectoryStore store;
    private final AccountStore accounts;
    private final String serverName;

    public UserDirectory(UserDirectoryStore store, AccountStore accounts, String serverName) {
        this.store = store;
        this.accounts = accounts;
        this.serverName = serverName;
    }

    public Result search(String searcher, String term, int limit) {
        List<String> words = words(term);
        if (words.isEmpty() || limit <= 0) {
            return new Result(List.of(), false);
        }
        Map<String, Entry> found = new LinkedHashMap<>();
        Set<String> sharing = new HashSet<>();
        for (DirectoryMember m : store.membersOfRoomsSharedWith(searcher)) {
            sharing.add(m.userId());
            found.putIfAbsent(m.userId(), entry(m));
        }
        for (DirectoryMember m : store.joinedMembers(store.publicRoomIds())) {
            found.putIfAbsent(m.userId(), entry(m));
        }
        String whole = fold(term.strip());
        List<Entry> matches = new ArrayList<>();
        for (Entry e : found.values()) {
            if (!e.userId().equals(searcher) && matches(e, words) && visible(e.userId())) {
                matches.add(local(e));
            }
        }
        matches.sort(Comparator.<Entry>comparingInt(e -> sharing.contains(e.userId()) ? 0 : 1)
                .thenComparingInt(e -> e.displayName().map(n -> fold(n).startsWith(whole) ? 0 : 1).orElse(1))
                .thenComparing(e -> e.displayName().map(UserDirectory::fold).orElse(e.userId()))
                .thenComparing(Entry::userId));
        return new Result(List.copyOf(matches.subList(0, Math.min(limit, matches.size()))), matches.size() > limit);
    }

    /** A local user as his profile shows him (room member events may hold a per-room name). */
    private Entry local(Entry e) {
        if (!e.userId().endsWith(":" + serverName)) {
            return e;
        }
        return accounts.user(e.userId()).map(u -> new Entry(u.userId(), u.displayname().or(e::displayName), u.avatarUrl().or(e::avatarUrl)))
                .orElse(e);
    }

    private boolean visible(String userId) {
        return !userId.endsWith(":" + serverName) || accounts.user(userId).map(u -> !u.deactivated()).orElse(false);
    }

    private static boolean matches(Entry e, List<String> words) {
        List<String> own = new ArrayList<>(words(e.userId()));
        e.displayName().ifPresent(n -> own.addAll(words(n)));
        return words.stream().allMatch(w -> own.stream().anyMatch(o -> o.startsWith(w)));
    }

    private static Entry entry(DirectoryMember m) {
        JsonNode content;
        try {
            content = MatrixJson.mapper().readTree(m.memberContent());
        } catch (IOException e) {
            content = MatrixJson.mapper().createObjectNode();
        }
        return new Entry(m.userId(), text(content, "displayname"), text(content, "avatar_url"));
    }

    private static Optional<String> text(JsonNode content, String field) {
        JsonNode v = content.path(field);
        return v.isTextual() && !v.textValue().isEmpty() ? Optional.of(v.textValue()) : Optional.empty();
    }

    private static List<String> words(String s) {
        return Arrays.stream(WORD_BREAK.split(fold(s))).filter(w -> !w.isEmpty()).toList();
    }

    /** Lower case without accents: "Zoë" is found by "zoe". */
    static String fold(String s) {
        return MARKS.matcher(Normalizer.normalize(s, Normalizer.Form.NFKD)).replaceAll("").toLowerCase(Locale.ROOT);
    }
}
