package dev.mxspec.generator.cli;

import dev.mxspec.generator.bundle.OpenApiBundle;
import dev.mxspec.generator.model.Diagnostic;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.parse.SpecReader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code bundle <release folder> --out <folder>}: one self-contained OpenAPI 3.1 document per API. */
final class BundleCommand {

    static final String USAGE = "usage: bundle <release folder> --out <folder>";

    private BundleCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err) {
        List<String> folders = new ArrayList<>();
        String target = null;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--out") && i + 1 < args.size()) {
                target = args.get(++i);
            } else if (args.get(i).startsWith("--")) {
                err.println("mxspec: unknown option " + args.get(i));
                err.println(USAGE);
                return 2;
            } else {
                folders.add(args.get(i));
            }
        }
        if (folders.size() != 1 || target == null) {
            err.println(USAGE);
            return 2;
        }
        SpecRelease release = SpecReader.read(Path.of(folders.getFirst()));
        List<Diagnostic> errors = release.diagnostics().stream().filter(d -> d.severity() == Diagnostic.Severity.ERROR).toList();
        if (!errors.isEmpty()) {
            errors.forEach(e -> err.println(e));
            err.println("mxspec: " + errors.size() + " error" + (errors.size() == 1 ? "" : "s") + "; no bundle written");
            return 1;
        }
        for (Path file : OpenApiBundle.write(release, Path.of(target))) {
            out.println(file);
        }
        return 0;
    }
}
