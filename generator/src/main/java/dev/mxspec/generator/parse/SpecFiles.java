package dev.mxspec.generator.parse;

import dev.mxspec.generator.model.Diagnostic;
import dev.mxspec.generator.model.SourceRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** The files of one release's {@code data} folder: loads each at most once and resolves relative {@code $ref}s. */
final class SpecFiles {

    private final Path root;
    private final YamlLoader loader;
    private final Map<Path, YamlNode> cache = new HashMap<>();

    SpecFiles(Path root, Consumer<Diagnostic> diagnostics) {
        this.root = root;
        this.loader = new YamlLoader(root, diagnostics);
    }

    Path root() {
        return root;
    }

    YamlNode load(Path file) {
        Path key = file.toAbsolutePath().normalize();
        YamlNode node = cache.get(key);
        if (node == null) {
            node = loader.load(key);
            cache.put(key, node);
        }
        return node;
    }

    /** The file a {@code $ref} written in {@code from} points to; a missing target is an error naming both. */
    Path resolve(Path from, String ref, SourceRef at) {
        if (ref.contains("#")) {
            throw new SpecException(absolute(at), at.line(),
                    "$ref '" + ref + "' has a JSON pointer; expected a reference to a whole file");
        }
        Path target = from.toAbsolutePath().getParent().resolve(ref).normalize();
        if (!Files.isRegularFile(target)) {
            throw new SpecException(absolute(at), at.line(), "$ref '" + ref + "' points to " + target + ", which does not exist");
        }
        return target;
    }

    String relative(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        return abs.startsWith(root) ? root.relativize(abs).toString().replace('\\', '/') : abs.toString();
    }

    Path absolute(SourceRef source) {
        return root.resolve(source.file());
    }
}
