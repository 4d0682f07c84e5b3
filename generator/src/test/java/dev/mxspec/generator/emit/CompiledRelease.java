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

/** A release's generated code, compiled and loaded, once per test run. */
final class CompiledRelease {

    private static final Map<String, CompiledRelease> CACHE = new ConcurrentHashMap<>();

    final SpecRelease release;
    final JavaLayout layout;
    final ClassLoader loader;

    private CompiledRelease(String version) {
        this.release = SpecSources.model(version);
        JavaGenerator generator = new JavaGenerator(release, GenerateOptions.all("dev.mxspec.spec", JavaLayout.releasePackage(version)));
        this.layout = generator.layout();
        try {
            Path dir = Files.createTempDirectory("mxspec-" + version);
            generator.writeTo(dir.resolve("src"));
            String errors = Compiler.compile(dir.resolve("src"), dir.resolve("classes"));
            if (!errors.isEmpty()) {
                throw new IllegalStateException("generated code of " + version + " does not compile:\n" + errors);
            }
            this.loader = new URLClassLoader(new URL[] {dir.resolve("classes").toUri().toURL()}, CompiledRelease.class.getClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
