package dev.mxspec.generator.emit;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import dev.mxspec.generator.SpecSources;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.model.TypeRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A release's generated code, compiled and loaded, once per test run. The releases the tests use are
 * generated side by side (each in its own package) and compiled in one compiler run: {@link #RELEASES},
 * which is every release of the spec sources with {@code -Dmxspec.allReleases=true} (the
 * {@code all-releases} profile), and otherwise the first, the oldest the homeserver builds on, the
 * homeserver's own and the newest.
 */
final class CompiledRelease {

    static final List<String> RELEASES = Boolean.getBoolean("mxspec.allReleases")
            ? SpecSources.allReleases()
            : List.of("v1.1", "v1.4", "v1.7", SpecSources.allReleases().getLast());

    private static final Map<String, CompiledRelease> CACHE = new ConcurrentHashMap<>();
    private static Batch batch;

    /** The releases of {@link #RELEASES}, generated and compiled together. */
    private record Batch(ClassLoader loader, Map<String, JavaLayout> layouts, String errors) {}

    final SpecRelease release;
    final JavaLayout layout;
    final ClassLoader loader;

    private CompiledRelease(String version) {
        this.release = SpecSources.model(version);
        if (!RELEASES.contains(version)) {
            throw new IllegalArgumentException(version + " is not compiled in this run; compiled are " + RELEASES);
        }
        Batch compiled = batch();
        if (!compiled.errors().isEmpty()) {
            throw new IllegalStateException("generated code of " + RELEASES + " does not compile:\n" + compiled.errors());
        }
        this.layout = compiled.layouts().get(version);
        this.loader = compiled.loader();
    }

    /** The compiler's output for the generated code of every release of {@link #RELEASES}: empty when it compiles. */
    static synchronized String compileErrors() {
        return batch().errors();
    }

    private static synchronized Batch batch() {
        if (batch == null) {
            try {
                Path dir = Files.createTempDirectory("mxspec-releases");
                Map<String, JavaLayout> layouts = new java.util.HashMap<>();
                RELEASES.parallelStream().forEach(version -> {
                    JavaGenerator generator = new JavaGenerator(SpecSources.model(version),
                            GenerateOptions.all("dev.mxspec.spec", JavaLayout.releasePackage(version)));
                    generator.writeTo(dir.resolve("src"));
                    synchronized (layouts) {
                        layouts.put(version, generator.layout());
                    }
                });
                String errors = Compiler.compile(dir.resolve("src"), dir.resolve("classes"));
                ClassLoader loader = new URLClassLoader(new URL[] {dir.resolve("classes").toUri().toURL()},
                        CompiledRelease.class.getClassLoader());
                batch = new Batch(loader, Map.copyOf(layouts), errors);
            } catch (MalformedURLException e) {
                throw new IllegalStateException(e);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return batch;
    }

    static CompiledRelease of(String version) {
        return CACHE.computeIfAbsent(version, CompiledRelease::new);
    }

    Class<?> load(String className) {
        try {
            return Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The Jackson type the generated code uses for a model type. */
    JavaType javaType(TypeRef type) {
        TypeFactory f = TypeFactory.defaultInstance();
        return switch (type) {
            case TypeRef.Primitive p -> f.constructType(switch (p.kind()) {
                case STRING -> String.class;
                case INTEGER -> Long.class;
                case NUMBER -> BigDecimal.class;
                case BOOLEAN -> Boolean.class;
            });
            case TypeRef.Literal l -> f.constructType(String.class);
            case TypeRef.ArrayOf a -> f.constructCollectionType(List.class, javaType(a.items()));
            case TypeRef.MapOf m -> f.constructMapType(Map.class, f.constructType(String.class), javaType(m.values()));
            case TypeRef.Named n -> f.constructType(load(layout.typeClass(n.name()).canonicalName()));
            case TypeRef.Nullable n -> javaType(n.type());
            default -> f.constructType(com.fasterxml.jackson.databind.JsonNode.class);
        };
    }
}
