package dev.mxspec.generator.emit;

import dev.mxspec.generator.model.ApiKind;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.parse.SpecException;
import dev.mxspec.generator.parse.SpecReader;
import com.palantir.javapoet.JavaFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.stream.Stream;

/**
 * Generates Java for one or more releases into a source folder: the library's entry point for
 * build tools (the Maven plugin maps its parameters onto {@link Config}). Files whose content is
 * unchanged are left untouched, and generated files no longer produced are removed.
 */
public final class CodeGeneration {

    /**
     * What to generate.
     *
     * @param specDirectory the folder holding one folder per release ({@code v1.7/data}, ...)
     * @param releases release folder names, for example {@code v1.7}
     * @param outputDirectory the source folder to write into
     * @param basePackage the package everything goes under
     * @param releasePackage the per-release package part; empty for the default ({@code v1_7})
     * @param outputs which kinds of code
     * @param apis which APIs
     * @param typeMappings spec type names to classes of the user's own, used instead of generated ones
     * @param failOnWarnings whether warnings (diagnostics and examples that disagree with their schema
     *     without a known erratum) refuse generation like errors do
     */
    public record Config(Path specDirectory, List<String> releases, Path outputDirectory, String basePackage,
            Optional<String> releasePackage, Set<GenerateOptions.Output> outputs, Set<ApiKind> apis,
            java.util.Map<String, String> typeMappings, boolean failOnWarnings) {

        public Config {
            releases = List.copyOf(releases);
            outputs = Set.copyOf(outputs);
            apis = Set.copyOf(apis);
            typeMappings = java.util.Map.copyOf(typeMappings);
        }

        /** Warnings are reported, not fatal. */
        public Config(Path specDirectory, List<String> releases, Path outputDirectory, String basePackage,
                Optional<String> releasePackage, Set<GenerateOptions.Output> outputs, Set<ApiKind> apis,
                java.util.Map<String, String> typeMappings) {
            this(specDirectory, releases, outputDirectory, basePackage, releasePackage, outputs, apis, typeMappings, false);
        }
    }

    /**
     * What a run did.
     *
     * @param written files created or changed
     * @param unchanged files whose content was already right
     * @param deleted stale generated files removed
     * @param upToDate whether nothing was read or written because no input had changed
     * @param warnings the warnings of the releases read, one line each ({@code file:line: warning: ...})
     */
    public record Result(int written, int unchanged, int deleted, boolean upToDate, List<String> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    private CodeGeneration() {}

    public static Result run(Config config) {
        requireSpecDirectory(config);
        if (config.releases().isEmpty()) {
            throw new IllegalArgumentException("no release given (expected one or more release folder names, such as v1.7)");
        }
        if (config.releases().size() > 1 && config.releasePackage().filter(String::isEmpty).isPresent()) {
            throw new IllegalArgumentException("several releases need a per-release package; an empty one would mix them");
        }
        List<SpecRelease> releases = new ArrayList<>();
        List<Path> dataFolders = new ArrayList<>();
        for (String version : config.releases()) {
            Path folder = dev.mxspec.generator.source.SpecSource.releaseFolder(config.specDirectory(), version);
            releases.add(SpecReader.read(folder));
            dataFolders.add(SpecReader.dataFolderOf(folder));
        }
        // Checking the releases (every example against its schema) needs none of the Java built from
        // them: it runs on a thread of its own meanwhile, and nothing is written before it passed.
        CompletableFuture<Checked> checking = CompletableFuture.supplyAsync(() -> check(releases, dataFolders), thread("mxspec-check"));
        List<List<JavaFile>> built = new ArrayList<>();
        RuntimeException buildFailure = null;
        try {
            for (SpecRelease release : releases) {
                String releasePackage = config.releasePackage().orElse(JavaLayout.releasePackage(release.version()));
                GenerateOptions options = new GenerateOptions(config.basePackage(), releasePackage, config.outputs(), config.apis(),
                        config.typeMappings());
                built.add(new JavaGenerator(release, options).files());
            }
        } catch (RuntimeException e) {
            buildFailure = e; // the spec's own problems, when it has any, are reported first
        }
        Checked checked = join(checking);
        if (!checked.errors().isEmpty() || (config.failOnWarnings() && !checked.warnings().isEmpty())) {
            String what = !checked.errors().isEmpty()
                    ? checked.errors().size() + " error" + (checked.errors().size() == 1 ? "" : "s")
                    : checked.warnings().size() + " warning" + (checked.warnings().size() == 1 ? "" : "s") + " (failOnWarnings)";
            throw new SpecProblems("the spec cannot be generated faithfully: " + what + "; nothing was generated",
                    checked.errors(), checked.warnings());
        }
        if (buildFailure != null) {
            throw buildFailure;
        }
        Set<Path> produced = new HashSet<>();
        int written = 0;
        int unchanged = 0;
        for (List<JavaFile> files : built) {
            for (JavaFile file : files) {
                Path target = target(config, file);
                if (!produced.add(target)) {
                    throw new IllegalArgumentException(target + " would be generated twice; give each release its own package");
                }
            }
            // Rendering and writing are independent per file: done on all cores.
            long changed = files.parallelStream().filter(file -> writeIfChanged(target(config, file), file.toString())).count();
            written += (int) changed;
            unchanged += files.size() - (int) changed;
        }
        int deleted = deleteStale(config.outputDirectory(), produced);
        return new Result(written, unchanged, deleted, false, checked.warnings());
    }

    /** The problems of the releases read, one line each, errors apart from warnings. */
    private record Checked(List<String> errors, List<String> warnings) {}

    private static Checked check(List<SpecRelease> releases, List<Path> dataFolders) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (int i = 0; i < releases.size(); i++) {
            Problems.collect(releases.get(i), dataFolders.get(i), errors, warnings);
        }
        return new Checked(errors, warnings);
    }

    /**
     * Generates only when the spec files, the configuration or the tool changed since the run that
     * wrote {@code stateFile}; otherwise touches nothing, so that nothing recompiles.
     *
     * @param stateFile where the fingerprint of the last successful run is kept
     * @param toolVersion the version of the calling tool (for example the Maven plugin's)
     */
    public static Result runIfChanged(Config config, Path stateFile, String toolVersion) {
        requireSpecDirectory(config);
        try {
            boolean comparable = Files.isRegularFile(stateFile) && Files.isDirectory(config.outputDirectory());
            // With nothing to compare it with, the fingerprint to keep is taken on a thread of its own meanwhile.
            CompletableFuture<String> fingerprint = comparable
                    ? CompletableFuture.completedFuture(Fingerprint.of(config, toolVersion))
                    : CompletableFuture.supplyAsync(() -> Fingerprint.of(config, toolVersion), thread("mxspec-fingerprint"));
            if (comparable && Files.readString(stateFile, StandardCharsets.UTF_8).strip().equals(fingerprint.join())) {
                return new Result(0, 0, 0, true, List.of());
            }
            Result result = run(config);
            Files.createDirectories(stateFile.toAbsolutePath().getParent());
            Files.writeString(stateFile, join(fingerprint) + "\n", StandardCharsets.UTF_8);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs each task on a new daemon thread of that name. */
    private static Executor thread(String name) {
        return task -> Thread.ofPlatform().name(name).daemon().start(task);
    }

    /** The value, or the task's own exception. */
    private static <T> T join(CompletableFuture<T> task) {
        try {
            return task.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private static void requireSpecDirectory(Config config) {
        if (!Files.isDirectory(config.specDirectory())) {
            throw new SpecException(config.specDirectory(), 0, "spec directory does not exist (expected a folder holding one "
                    + "folder per release, such as v1.7/data, for example a checkout of matrix-spec or ../shared/matrix-spec)");
        }
    }

    private static Path target(Config config, JavaFile file) {
        return config.outputDirectory().resolve(file.packageName().replace('.', '/')).resolve(file.typeSpec().name() + ".java");
    }

    private static boolean writeIfChanged(Path target, String content) {
        try {
            byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
            if (Files.isRegularFile(target) && java.util.Arrays.equals(Files.readAllBytes(target), bytes)) {
                return false;
            }
            Files.createDirectories(target.getParent());
            Files.write(target, bytes);
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes generated Java files under {@code dir} that this run did not produce. */
    private static int deleteStale(Path dir, Set<Path> produced) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        List<Path> stale = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(p -> p.toString().endsWith(".java")).filter(p -> !produced.contains(p)).forEach(stale::add);
            int deleted = 0;
            for (Path p : stale) {
                if (Files.readString(p).stripLeading().startsWith("// Generated by mxspec")) {
                    Files.delete(p);
                    deleted++;
                }
            }
            return deleted;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
