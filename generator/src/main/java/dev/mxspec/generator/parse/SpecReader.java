package dev.mxspec.generator.parse;

import dev.mxspec.generator.model.Api;
import dev.mxspec.generator.model.ApiKind;
import dev.mxspec.generator.model.Diagnostic;
import dev.mxspec.generator.model.EventSchema;
import dev.mxspec.generator.model.NamedType;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.model.TypedExample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * Reads one spec release folder ({@code vX.Y/data}, or {@code vX.Y} holding {@code data/}) into a
 * {@link SpecRelease}, as published: relative {@code $ref}s are followed file by file, nothing is
 * bundled or patched. What it cannot model faithfully is a diagnostic with file and line; a folder
 * that is not a spec release is a {@link SpecException}.
 */
public final class SpecReader {

    private SpecReader() {}

    public static SpecRelease read(Path folder) {
        Path data = dataFolder(folder);
        List<Diagnostic> diagnostics = Collections.synchronizedList(new ArrayList<>());
        SpecFiles files = new SpecFiles(data, diagnostics::add);
        ExampleReader examples = new ExampleReader(files);

        // The client-server API, about three quarters of a release, is read on a thread of its own while
        // the other APIs and the events are read here; the second part's types then join the first's
        // as if read after them, so the model is the same as when read in one go.
        CompletableFuture<Part> clientServer = CompletableFuture.supplyAsync(
                () -> readPart(data, files, examples, diagnostics, List.of(ApiKind.CLIENT_SERVER), false),
                task -> Thread.ofPlatform().name("mxspec-read-client-server").daemon().start(task));
        Part first;
        Part rest;
        try {
            rest = readPart(data, files, examples, diagnostics,
                    Arrays.stream(ApiKind.values()).filter(k -> k != ApiKind.CLIENT_SERVER).toList(), true);
        } finally {
            first = join(clientServer); // when both fail, the client-server API's failure is the one it would have been in one go
        }
        TypeRegistry types = first.types();
        ModelRenamer restIds = new ModelRenamer(types.absorb(rest.types()));

        List<TypedExample> shared = new ArrayList<>(rest.shared().stream().map(restIds::example).toList());
        shared.addAll(types.otherExamples());
        Map<String, String> names = TypeNamer.names(types.candidates().values(), diagnostics::add);
        ModelRenamer renamer = new ModelRenamer(names);
        java.util.SortedMap<String, NamedType> named = new TreeMap<>();
        types.candidates().values().forEach(c -> {
            NamedType t = renamer.namedType(c.type());
            named.put(t.name(), t);
        });
        List<Api> apis = new ArrayList<>(first.apis());
        rest.apis().stream().map(restIds::api).forEach(apis::add);
        List<Diagnostic> distinct = diagnostics.stream().distinct().sorted().toList();
        return new SpecRelease(version(data),
                apis.stream().map(renamer::api).toList(),
                rest.events().stream().map(restIds::event).map(renamer::event).toList(),
                named,
                shared.stream().map(renamer::example).toList(),
                distinct);
    }

    /** What one reader read: APIs, events and the shared examples of events, with the ids of its own type registry. */
    private record Part(List<Api> apis, List<EventSchema> events, List<TypedExample> shared, TypeRegistry types) {}

    /** Reads the APIs of {@code kinds} in their order, then the events when asked, with a registry of its own. */
    private static Part readPart(Path data, SpecFiles files, ExampleReader examples, List<Diagnostic> diagnostics,
            List<ApiKind> kinds, boolean withEvents) {
        SchemaFlattener schemas = new SchemaFlattener(files, diagnostics::add);
        TypeRegistry types = new TypeRegistry(examples, diagnostics::add);
        ApiReader apiReader = new ApiReader(files, schemas, types, examples, diagnostics::add);
        List<Api> apis = new ArrayList<>();
        for (ApiKind kind : kinds) {
            Path dir = data.resolve("api").resolve(kind.folder());
            if (!Files.isDirectory(dir)) {
                diagnostics.add(Diagnostic.error(new dev.mxspec.generator.model.SourceRef("api/" + kind.folder(), 0),
                        "API folder missing (expected the " + kind.folder() + " API's YAML files here)"));
                continue;
            }
            apis.add(apiReader.read(kind, list(dir, ".yaml", false)));
        }
        List<TypedExample> shared = new ArrayList<>();
        List<EventSchema> events = List.of();
        if (withEvents) {
            Path schemaDir = data.resolve("event-schemas/schema");
            Path exampleDir = data.resolve("event-schemas/examples");
            requireDirectory(schemaDir, "the event schemas (m.room.message.yaml, ...)");
            requireDirectory(exampleDir, "the event examples");
            events = new EventReader(files, schemas, types, examples, diagnostics::add)
                    .read(schemaDir, exampleDir, list(schemaDir, ".yaml", false), exampleFiles(exampleDir), shared);
        }
        return new Part(apis, events, shared, types);
    }

    private static Part join(CompletableFuture<Part> part) {
        try {
            return part.join();
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

    /** The {@code data} folder of the release at {@code folder} (the folder itself or its {@code data/}). */
    public static Path dataFolderOf(Path folder) {
        return dataFolder(folder);
    }

    /** The release's {@code data} folder; a clear error when {@code folder} is not a spec release. */
    static Path dataFolder(Path folder) {
        Path abs = folder.toAbsolutePath().normalize();
        if (!Files.exists(abs)) {
            throw new SpecException(abs, 0, "spec release folder does not exist (expected a release folder such as "
                    + "matrix-spec/v1.7/data, holding api/ and event-schemas/)");
        }
        if (!Files.isDirectory(abs)) {
            throw new SpecException(abs, 0, "not a folder (expected a spec release folder holding api/ and event-schemas/)");
        }
        if (!Files.isDirectory(abs.resolve("api")) && Files.isDirectory(abs.resolve("data/api"))) {
            abs = abs.resolve("data");
        }
        if (!Files.isDirectory(abs.resolve("api"))) {
            throw new SpecException(abs.resolve("api"), 0, "not a Matrix spec release: expected the folder api/ "
                    + "(with client-server/, server-server/, ...) and event-schemas/");
        }
        return abs;
    }

    private static void requireDirectory(Path dir, String what) {
        if (!Files.isDirectory(dir)) {
            throw new SpecException(dir, 0, "folder missing (expected " + what + ")");
        }
    }

    private static String version(Path data) {
        Path release = data.getFileName().toString().equals("data") ? data.getParent() : data;
        return release == null || release.getFileName() == null ? "unknown" : release.getFileName().toString();
    }

    private static List<Path> list(Path dir, String suffix, boolean recursive) {
        try (Stream<Path> s = recursive ? Files.walk(dir) : Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> exampleFiles(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
