package dev.mxspec.generator.cli;

import dev.mxspec.generator.emit.CodeGeneration;
import dev.mxspec.generator.emit.GenerateOptions.Output;
import dev.mxspec.generator.emit.SpecProblems;
import dev.mxspec.generator.model.ApiKind;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * {@code generate <spec folder> --releases v1.16 --out <folder> [--generate ...] [--apis ...]
 * [--package ...] [--fail-on-warnings]}: the Maven plugin's {@code generate} goal on the command
 * line. Exit code 1 when a release has errors (each printed with file and line), or warnings with
 * {@code --fail-on-warnings}.
 */
final class GenerateCommand {

    static final String USAGE = "usage: generate <spec folder> --releases <v1.16,...> --out <folder> "
            + "[--generate models,events,endpoints,server,client] [--apis client-server,...] [--package <base package>] "
            + "[--fail-on-warnings]";

    private GenerateCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err) {
        String spec = null;
        List<String> releases = List.of();
        String target = null;
        List<String> generate = List.of("models", "events", "endpoints", "server", "client");
        List<String> apis = List.of();
        String basePackage = "dev.mxspec.spec";
        boolean failOnWarnings = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            boolean hasValue = i + 1 < args.size();
            switch (a) {
                case "--releases" -> { if (!hasValue) { return usage(err); } releases = split(args.get(++i)); }
                case "--out" -> { if (!hasValue) { return usage(err); } target = args.get(++i); }
                case "--generate" -> { if (!hasValue) { return usage(err); } generate = split(args.get(++i)); }
                case "--apis" -> { if (!hasValue) { return usage(err); } apis = split(args.get(++i)); }
                case "--package" -> { if (!hasValue) { return usage(err); } basePackage = args.get(++i); }
                case "--fail-on-warnings" -> failOnWarnings = true;
                default -> {
                    if (a.startsWith("--") || spec != null) {
                        err.println("mxspec: unexpected argument " + a);
                        return usage(err);
                    }
                    spec = a;
                }
            }
        }
        if (spec == null || releases.isEmpty() || target == null) {
            return usage(err);
        }
        Set<Output> outputs = EnumSet.noneOf(Output.class);
        for (String g : generate) {
            try {
                outputs.add(Output.valueOf(g.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                err.println("mxspec: unknown --generate value '" + g + "' (expected models, events, endpoints, server or client)");
                return 2;
            }
        }
        Set<ApiKind> kinds = apis.isEmpty() ? EnumSet.allOf(ApiKind.class) : EnumSet.noneOf(ApiKind.class);
        for (String api : apis) {
            Optional<ApiKind> kind = Arrays.stream(ApiKind.values()).filter(k -> k.folder().equals(api)).findFirst();
            if (kind.isEmpty()) {
                err.println("mxspec: unknown API '" + api + "' (expected client-server, server-server, application-service, identity or push-gateway)");
                return 2;
            }
            kinds.add(kind.get());
        }
        CodeGeneration.Config config = new CodeGeneration.Config(Path.of(spec), releases, Path.of(target), basePackage,
                Optional.empty(), outputs, kinds, java.util.Map.of(), failOnWarnings);
        try {
            CodeGeneration.Result result = CodeGeneration.run(config);
            result.warnings().forEach(err::println);
            if (!result.warnings().isEmpty()) {
                err.println("mxspec: " + result.warnings().size() + " warning" + (result.warnings().size() == 1 ? "" : "s"));
            }
            out.printf("%s -> %s: %d written, %d unchanged, %d removed%n", String.join(", ", releases), target,
                    result.written(), result.unchanged(), result.deleted());
            return 0;
        } catch (SpecProblems e) {
            e.errors().forEach(err::println);
            e.warnings().forEach(err::println);
            err.println("mxspec: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            err.println("mxspec: " + e.getMessage());
            return 1;
        }
    }

    private static List<String> split(String value) {
        List<String> parts = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                parts.add(part.strip());
            }
        }
        return parts;
    }

    private static int usage(PrintStream err) {
        err.println(USAGE);
        return 2;
    }
}
