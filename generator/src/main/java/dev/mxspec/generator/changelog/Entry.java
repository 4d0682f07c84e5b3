package dev.mxspec.generator.changelog;

import dev.mxspec.generator.model.ApiKind;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code - } bullet of a release changelog. The lists keep the order in which the text cites things, without
 * duplicates.
 *
 * @param api the section title as written, e.g. {@code "Client-Server API"} or {@code "Room Versions"}
 * @param apiKind the API the section is about; empty for Room Versions, Appendices and Internal Changes/Tooling
 * @param category the {@code <strong>} heading the entry is listed under
 * @param text the entry's markdown as written, without the leading {@code "- "}; continuation lines are joined with
 *     {@code \n} and lose their indentation
 * @param summary plain text: links reduced to their label, code spans to their content, emphasis and backslash
 *     escapes removed, the trailing list of pull requests {@code ([#1440](...), ...)} dropped
 * @param mscs the numbers of the proposals cited as {@code MSCnnnn}
 * @param pullRequests the numbers of all links labelled {@code #nnnn}: the trailing list and any in the text; they
 *     point into matrix-spec, matrix-doc or matrix-spec-proposals, so a number alone does not name a repository
 * @param endpoints code spans holding a method and a path, exactly as written: {@code "POST /_matrix/media/v1/create"},
 *     {@code "POST /keys/query"}, {@code "POST _matrix/federation/v1/user/keys/claim"}
 * @param paths code spans holding a path without a method: {@code "/keys/query"}, {@code "/room_keys/*"}
 * @param names all other code spans: {@code "m.replace"}, {@code "token"}, {@code "{key_id}"}
 * @param version the release, e.g. {@code "v1.7"}
 * @param line the 1-based line of the bullet in the changelog file
 */
public record Entry(
        String api,
        Optional<ApiKind> apiKind,
        Category category,
        String text,
        String summary,
        List<Integer> mscs,
        List<Integer> pullRequests,
        List<String> endpoints,
        List<String> paths,
        List<String> names,
        String version,
        int line) {

    public Entry {
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(apiKind, "apiKind");
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(summary, "summary");
        mscs = List.copyOf(mscs);
        pullRequests = List.copyOf(pullRequests);
        endpoints = List.copyOf(endpoints);
        paths = List.copyOf(paths);
        names = List.copyOf(names);
        Objects.requireNonNull(version, "version");
    }
}
