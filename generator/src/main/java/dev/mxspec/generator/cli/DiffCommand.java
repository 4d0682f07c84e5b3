package dev.mxspec.generator.cli;

import dev.mxspec.generator.diff.ReleaseDiff;
import dev.mxspec.generator.parse.SpecReader;
import dev.mxspec.generator.report.DiffReportWriter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code diff <from> <to> --changelogs <dir> --out <dir>}: writes diff.md, diff.html and diff.json. */
final class DiffCommand {

    static final String USAGE = "usage: diff <from release folder> <to release folder> --changelogs <changelog folder> --out <folder>";

    private DiffCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err) {
        List<String> folders = new ArrayList<>();
        String changelogs = null;
        String target = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("--changelogs") || a.equals("--out")) && i + 1 < args.size()) {
                if (a.equals("--changelogs")) {
                    changelogs = args.get(++i);
                } else {
                    target = args.get(++i);
                }
            } else if (a.startsWith("--")) {
                err.println("mxspec: unknown option " + a);
                err.println(USAGE);
                return 2;
            } else {
                folders.add(a);
            }
        }
        if (folders.size() != 2 || changelogs == null || target == null) {
            err.println(USAGE);
            return 2;
        }
        ReleaseDiff diff = ReleaseDiff.compute(SpecReader.read(Path.of(folders.get(0))), SpecReader.read(Path.of(folders.get(1))),
                Path.of(changelogs));
        List<Path> written = DiffReportWriter.write(diff, Path.of(target));
        out.printf("%s -> %s: %d structural changes (%d explained by the changelog, %d not), %d announced but not in the data, %d generated-code changes%n",
                diff.from(), diff.to(), diff.changes().size(), diff.changes().size() - diff.unexplained().size(),
                diff.unexplained().size(), diff.unfulfilled().size(), diff.code().size());
        written.forEach(p -> out.println("  " + p));
        return 0;
    }
}
