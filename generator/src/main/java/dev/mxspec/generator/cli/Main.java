package dev.mxspec.generator.cli;

import dev.mxspec.generator.parse.SpecException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/** {@code java -jar mxspec-generator.jar <command> ...}. */
public final class Main {

    private static final String USAGE = """
            usage: java -jar mxspec-generator.jar <command> [options]

            commands:
              describe <release folder> [--json]
                  Reads one spec release (for example ../shared/matrix-spec/v1.7/data) and prints each API
                  with its operation count, the type and event schema counts, the examples checked and
                  every diagnostic. --json prints the same as JSON.
              diff <from release folder> <to release folder> --changelogs <changelog folder> --out <folder>
                  Compares two releases (structure, changelog entries, generated code) and writes
                  diff.md, diff.html and diff.json into the folder.
              generate <spec folder> --releases <v1.16,...> --out <folder> [--generate models,events,endpoints,server,client]
                       [--apis client-server,...] [--package <base package>] [--fail-on-warnings]
                  Generates Java like the Maven plugin's generate goal. Every error of the spec (and every warning
                  with --fail-on-warnings) is printed with file and line and the exit code is 1; warnings are
                  printed with their count.
              bundle <release folder> --out <folder>
                  Writes one self-contained OpenAPI 3.1 document per API (<api>.json), from the model: what
                  tools of other languages can generate from.
              help
                  Prints this text.
            """;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the process exit code (0 ok, 1 failure, 2 usage error). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            return switch (args[0]) {
                case "describe" -> Describe.run(rest, out, err);
                case "diff" -> DiffCommand.run(rest, out, err);
                case "generate" -> GenerateCommand.run(rest, out, err);
                case "bundle" -> BundleCommand.run(rest, out, err);
                default -> {
                    err.println("mxspec: unknown command '" + args[0] + "'");
                    err.print(USAGE);
                    yield 2;
                }
            };
        } catch (SpecException e) {
            err.println("mxspec: " + e.getMessage());
            return 1;
        }
    }
}
