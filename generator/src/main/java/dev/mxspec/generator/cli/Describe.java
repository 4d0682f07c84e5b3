package dev.mxspec.generator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mxspec.generator.model.Api;
import dev.mxspec.generator.model.Diagnostic;
import dev.mxspec.generator.model.NamedType;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.parse.SpecReader;
import dev.mxspec.generator.validate.ExampleCheck;
import dev.mxspec.generator.validate.ReleaseValidator;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The {@code describe} command: a summary of one release, as text or JSON (also used by the Maven plugin). */
public final class Describe {

    private Describe() {}

    static int run(List<String> args, PrintStream out, PrintStream err) {
        boolean json = args.contains("--json");
        List<String> folders = args.stream().filter(a -> !a.startsWith("--")).toList();
        if (folders.size() != 1) {
            err.println("usage: describe <release folder> [--json]");
            return 2;
        }
        SpecRelease release = SpecReader.read(Path.of(folders.getFirst()));
        out.print(json ? json(release) : text(release));
        // A release with errors is not one the tools can use faithfully: say so in the exit code too.
        return release.diagnostics().stream().anyMatch(d -> d.severity() == dev.mxspec.generator.model.Diagnostic.Severity.ERROR) ? 1 : 0;
    }

    /** The summary as indented JSON, with a final newline. */
    public static String json(SpecRelease release) {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(summary(release, ReleaseValidator.validate(release))) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The summary as text. */
    public static String text(SpecRelease release) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        printText(release, ReleaseValidator.validate(release), out);
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Map<String, Object> summary(SpecRelease release, ExampleCheck check) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("release", release.version());
        List<Map<String, Object>> apis = new ArrayList<>();
        for (Api api : release.apis()) {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("name", api.kind().folder());
            a.put("operations", api.operations().size());
            a.put("groups", api.groups().size());
            apis.add(a);
        }
        root.put("apis", apis);
        Map<String, Object> types = new LinkedHashMap<>();
        types.put("total", release.types().size());
        types.put("objects", release.types().values().stream().filter(NamedType.ObjectType.class::isInstance).count());
        types.put("enums", release.types().values().stream().filter(NamedType.EnumType.class::isInstance).count());
        types.put("unions", release.types().values().stream().filter(NamedType.UnionType.class::isInstance).count());
        root.put("types", types);
        Map<String, Object> events = new LinkedHashMap<>();
        events.put("total", release.events().size());
        Map<String, Long> byKind = new TreeMap<>();
        release.events().forEach(e -> byKind.merge(e.kind().name().toLowerCase(Locale.ROOT), 1L, Long::sum));
        events.put("byKind", byKind);
        root.put("events", events);
        Map<String, Object> examples = new LinkedHashMap<>();
        examples.put("checked", check.checked());
        examples.put("mismatches", check.mismatches().size());
        examples.put("knownErrata", check.knownErrata());
        root.put("examples", examples);
        List<Map<String, Object>> diagnostics = new ArrayList<>();
        for (Diagnostic d : release.diagnostics()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("severity", d.severity().name().toLowerCase(Locale.ROOT));
            m.put("file", d.source().file());
            m.put("line", d.source().line());
            m.put("message", d.message());
            diagnostics.add(m);
        }
        check.mismatches().forEach(mm -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("severity", mm.known() ? "erratum" : "warning");
            m.put("file", mm.source().file());
            m.put("line", mm.source().line());
            m.put("message", mm.message());
            diagnostics.add(m);
        });
        root.put("diagnostics", diagnostics);
        return root;
    }

    private static void printText(SpecRelease release, ExampleCheck check, PrintStream out) {
        out.println("Matrix spec " + release.version());
        out.println();
        out.println("APIs");
        int total = 0;
        for (Api api : release.apis()) {
            out.printf(Locale.ROOT, "  %-22s %4d operations in %d files%n", api.kind().folder(), api.operations().size(), api.groups().size());
            total += api.operations().size();
        }
        out.printf(Locale.ROOT, "  %-22s %4d operations%n", "total", total);
        out.println();
        long objects = release.types().values().stream().filter(NamedType.ObjectType.class::isInstance).count();
        long enums = release.types().values().stream().filter(NamedType.EnumType.class::isInstance).count();
        out.printf(Locale.ROOT, "Types          %4d (%d objects, %d enums, %d unions)%n", release.types().size(), objects, enums,
                release.types().size() - objects - enums);
        Map<String, Long> byKind = new TreeMap<>();
        release.events().forEach(e -> byKind.merge(e.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '), 1L, Long::sum));
        out.printf(Locale.ROOT, "Event schemas  %4d %s%n", release.events().size(), byKind.toString().replace("=", ": ").replace("{", "(").replace("}", ")"));
        out.printf(Locale.ROOT, "Examples       %4d checked, %d disagree with their schema (%d known errata)%n",
                check.checked(), check.mismatches().size(), check.knownErrata());
        out.println();
        int count = release.diagnostics().size() + check.mismatches().size();
        out.println("Diagnostics    " + count);
        release.diagnostics().forEach(d -> out.println("  " + d));
        check.mismatches().forEach(m -> out.println("  " + m));
    }
}
