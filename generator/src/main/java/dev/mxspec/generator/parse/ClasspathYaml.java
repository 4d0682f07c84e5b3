package dev.mxspec.generator.parse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The reader's own data files on the classpath (what the spec leaves to its prose), as plain YAML maps. */
final class ClasspathYaml {

    private ClasspathYaml() {}

    /** The top-level map of a resource such as {@code /mxspec/event-conventions.yaml}; a missing one is a broken build. */
    static Map<?, ?> load(String resource) {
        try (InputStream in = ClasspathYaml.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath");
            }
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
