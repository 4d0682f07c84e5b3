package dev.mxspec.generator.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import dev.mxspec.generator.model.Api;
import dev.mxspec.generator.model.EventSchema;
import dev.mxspec.generator.model.Field;
import dev.mxspec.generator.model.NamedType;
import dev.mxspec.generator.model.Operation;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.model.TypeRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/** Generates the Java of one release: the files, in a stable order, and writing them to a folder. */
public final class JavaGenerator {

    private final SpecRelease release;
    private final GenerateOptions options;
    private final JavaLayout layout;
    private final JavaTypes types;

    public JavaGenerator(SpecRelease release, GenerateOptions options) {
        this.release = release;
        this.options = options;
        this.layout = new JavaLayout(release, options.basePackage(), options.releasePackage(), options.typeMappings());
        this.types = new JavaTypes(layout);
    }

    public JavaLayout layout() {
        return layout;
    }

    /**
     * Every generated file, sorted by class name. The files are built on all cores: each type, event
     * file set, endpoint, server and client is built on its own from the immutable model.
     */
    public List<JavaFile> files() {
        List<Supplier<List<JavaFile>>> parts = new ArrayList<>();
        List<Api> apis = release.apis().stream().filter(a -> options.apis().contains(a.kind())).toList();
        EventEmitter events = new EventEmitter(release, layout, types);
        Map<String, List<ClassName>> kindInterfaces = options.has(GenerateOptions.Output.EVENTS) ? events.contentInterfaces() : Map.of();
        if (options.has(GenerateOptions.Output.MODELS)) {
            ModelEmitter models = new ModelEmitter(layout, types, new UnionEmitter(release, types), release.version(), kindInterfaces);
            for (String name : usedTypes(apis)) {
                if (!layout.isMapped(name)) {
                    parts.add(() -> List.of(models.emit(release.types().get(name))));
                }
            }
        }
        if (options.has(GenerateOptions.Output.EVENTS)) {
            parts.add(events::files);
        }
        if (options.has(GenerateOptions.Output.ENDPOINTS)) {
            EndpointEmitter endpoints = new EndpointEmitter(layout, types, release.version());
            for (Api api : apis) {
                for (Operation op : api.operations()) {
                    parts.add(() -> List.of(endpoints.emit(api.kind(), op)));
                }
            }
        }
        if (options.has(GenerateOptions.Output.SERVER)) {
            ServerEmitter server = new ServerEmitter(release, layout, release.version());
            apis.forEach(api -> parts.add(() -> server.emit(api)));
        }
        if (options.has(GenerateOptions.Output.CLIENT)) {
            ClientEmitter client = new ClientEmitter(layout, types, release.version());
            apis.forEach(api -> parts.add(() -> List.of(client.emit(api))));
        }
        // An ordered stream: the files come out in the order of the parts, whichever thread built them.
        List<JavaFile> files = new ArrayList<>(parts.parallelStream().flatMap(part -> part.get().stream()).toList());
        files.sort(Comparator.comparing(f -> f.packageName() + "." + f.typeSpec().name()));
        return files;
    }

    /** Writes every file under {@code dir} (as a source root); returns the files written. */
    public List<Path> writeTo(Path dir) {
        List<Path> written = new ArrayList<>();
        for (JavaFile file : files()) {
            Path target = dir.resolve(file.packageName().replace('.', '/')).resolve(file.typeSpec().name() + ".java");
            try {
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.toString(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            written.add(target);
        }
        return written;
    }

    /** The named types the selected APIs and the events use, directly or through other types. */
    private Set<String> usedTypes(List<Api> apis) {
        Deque<TypeRef> todo = new ArrayDeque<>();
        for (Api api : apis) {
            for (Operation op : api.operations()) {
                op.pathParams().forEach(f -> todo.add(f.type()));
                op.queryParams().forEach(f -> todo.add(f.type()));
                op.headerParams().forEach(f -> todo.add(f.type()));
                op.body().ifPresent(b -> todo.add(b.type()));
                op.responses().forEach(r -> r.type().ifPresent(todo::add));
            }
        }
        if (options.has(GenerateOptions.Output.EVENTS) || apis.isEmpty()) {
            for (EventSchema e : release.events()) {
                todo.add(new TypeRef.Named(e.typeName()));
                todo.add(e.content());
            }
            release.sharedExamples().forEach(e -> todo.add(e.type()));
        }
        Set<String> used = new TreeSet<>();
        while (!todo.isEmpty()) {
            switch (todo.pop()) {
                case TypeRef.Named n -> {
                    if (used.add(n.name()) && !layout.isMapped(n.name())) {
                        NamedType t = release.types().get(n.name());
                        if (t instanceof NamedType.ObjectType o) {
                            o.fields().stream().map(Field::type).forEach(todo::add);
                            o.additionalProperties().ifPresent(todo::add);
                        } else if (t instanceof NamedType.UnionType u) {
                            todo.addAll(u.options());
                        }
                    }
                }
                case TypeRef.ArrayOf a -> todo.add(a.items());
                case TypeRef.MapOf m -> todo.add(m.values());
                case TypeRef.Nullable n -> todo.add(n.type());
                case TypeRef.Tuple t -> todo.addAll(t.items());
                default -> { }
            }
        }
        return used;
    }
}
