package dev.mxspec.generator.report;

import dev.mxspec.generator.changelog.Entry;
import dev.mxspec.generator.diff.Change;
import dev.mxspec.generator.diff.CodeChange;
import dev.mxspec.generator.diff.Impact;
import dev.mxspec.generator.diff.LinkedChange;
import dev.mxspec.generator.diff.ReleaseDiff;
import dev.mxspec.generator.model.ApiKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the diff templates show, shaped for logic-free Mustache: every value precomputed, every list
 * ready to iterate. Also the JSON report's source.
 */
record DiffView(
        String from,
        String to,
        String changelogs,
        int total,
        int explained,
        int unexplained,
        int breakingForClients,
        int breakingForServers,
        List<SummaryRow> summary,
        List<Section> apis,
        List<EntryView> unfulfilled,
        boolean hasUnfulfilled,
        CodeView code) {

    record SummaryRow(String api, String anchor, int changes, int added, int removed, int breakingClient, int breakingServer, int unexplained) {}

    record Section(String api, String anchor, List<ChangeView> changes) {}

    record ChangeView(String kind, String subject, String location, String before, String after, String values,
            String client, String server, boolean breakingClient, boolean breakingServer, boolean explained,
            List<EntryView> entries) {}

    record EntryView(String version, String api, String category, String summary, String file, int line,
            List<Link> mscs, List<Link> pullRequests) {}

    record Link(String label, String url) {}

    record CodeView(int added, int removed, int changed, int breaking, List<CodeRow> items) {}

    record CodeRow(String kind, String className, String member, String before, String after, boolean breaking) {}

    static DiffView of(ReleaseDiff diff) {
        Map<String, List<ChangeView>> byApi = new LinkedHashMap<>();
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (ApiKind k : ApiKind.values()) {
            byApi.put(k.folder(), new ArrayList<>());
        }
        byApi.put("events", new ArrayList<>());
        int breakingClient = 0;
        int breakingServer = 0;
        for (LinkedChange l : diff.changes()) {
            Change c = l.change();
            String api = c.api().map(ApiKind::folder).orElse("events");
            byApi.get(api).add(change(l));
            int[] n = counts.computeIfAbsent(api, k -> new int[6]);
            n[0]++;
            n[1] += c.kind().name().endsWith("_ADDED") ? 1 : 0;
            n[2] += c.kind().name().endsWith("_REMOVED") ? 1 : 0;
            n[3] += c.client() == Impact.BREAKING ? 1 : 0;
            n[4] += c.server() == Impact.BREAKING ? 1 : 0;
            n[5] += l.explained() ? 0 : 1;
            breakingClient += c.client() == Impact.BREAKING ? 1 : 0;
            breakingServer += c.server() == Impact.BREAKING ? 1 : 0;
        }
        List<SummaryRow> summary = new ArrayList<>();
        List<Section> sections = new ArrayList<>();
        byApi.forEach((api, changes) -> {
            if (!changes.isEmpty()) {
                int[] n = counts.get(api);
                summary.add(new SummaryRow(api, anchor(api), n[0], n[1], n[2], n[3], n[4], n[5]));
                sections.add(new Section(api, anchor(api), changes));
            }
        });
        List<CodeRow> rows = diff.code().stream().map(c -> new CodeRow(c.kind().name().toLowerCase(java.util.Locale.ROOT),
                c.className(), c.member(), c.before(), c.after(), c.breaking())).toList();
        CodeView code = new CodeView(
                count(diff.code(), CodeChange.Kind.ADDED), count(diff.code(), CodeChange.Kind.REMOVED),
                count(diff.code(), CodeChange.Kind.CHANGED), (int) diff.code().stream().filter(CodeChange::breaking).count(), rows);
        int explained = (int) diff.changes().stream().filter(LinkedChange::explained).count();
        return new DiffView(diff.from(), diff.to(),
                String.join(", ", diff.changelogs().stream().map(c -> c.version()).toList()),
                diff.changes().size(), explained, diff.changes().size() - explained, breakingClient, breakingServer,
                summary, sections, diff.unfulfilled().stream().map(DiffView::entry).toList(), !diff.unfulfilled().isEmpty(), code);
    }

    private static ChangeView change(LinkedChange l) {
        Change c = l.change();
        String values = c.before().isEmpty() && c.after().isEmpty() ? ""
                : c.before().isEmpty() ? "now " + c.after()
                : c.after().isEmpty() ? "was " + c.before()
                : c.before() + " → " + c.after();
        return new ChangeView(c.kind().title(), c.subject(), c.location(), c.before(), c.after(), values,
                c.client().name().toLowerCase(java.util.Locale.ROOT), c.server().name().toLowerCase(java.util.Locale.ROOT),
                c.client() == Impact.BREAKING, c.server() == Impact.BREAKING, l.explained(),
                l.entries().stream().map(DiffView::entry).toList());
    }

    static EntryView entry(Entry e) {
        return new EntryView(e.version(), e.api(), e.category().title(), e.summary(), "changelog/" + e.version() + ".md", e.line(),
                e.mscs().stream().map(n -> new Link("MSC" + n, "https://github.com/matrix-org/matrix-spec-proposals/pull/" + n)).toList(),
                e.pullRequests().stream().map(n -> new Link("#" + n, "https://github.com/matrix-org/matrix-spec/pull/" + n)).toList());
    }

    private static int count(List<CodeChange> changes, CodeChange.Kind kind) {
        return (int) changes.stream().filter(c -> c.kind() == kind).count();
    }

    private static String anchor(String api) {
        return "api-" + api;
    }

}
