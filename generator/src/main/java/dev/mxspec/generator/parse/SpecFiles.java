package dev.mxspec.generator.parse;

import dev.mxspec.generator.model.Diagnostic;
import dev.mxspec.generator.model.SourceRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The files of one release's {@code data} folder: loads each at most once and resolves relative
 * {@code $ref}s. Safe to share between readers on several threads.
 */
final class SpecFiles {

    private final Path root;
    private final YamlLoader loader;
    private final Map<Path, YamlNode> cache = new ConcurrentHashMap<>();

    SpecFiles(Path root, Consumer<Diagnostic> diagnostics) {
        this.root = root;
        this.loader = new YamlLoader(root, diagnostics);
    }

    Path root() {
        return root;
    }

    YamlNode load(Path file) {
        return cache.computeIfAbsent(file.toAbsolutePath().normalize(), loader::load);
    }

    /**
     * What a {@code $ref} written in {@code from} points to: a whole file ({@code other.yaml}), a
     * node within one ({@code other.yaml#/a/b}) or within {@code from} itself ({@code #/a/b}). A
     * missing file or a pointer that leads nowhere is an error naming the place of the {@code $ref}.
     *
     * @param file the file the target is written in
     * @param node the target node
     * @param pointer the JSON pointer, empty for a whole file
     */
    record Target(Path file, YamlNode node, String pointer) {
        /** A key naming the target uniquely within the release. */
        String key() {
            return file + "#" + pointer;
        }
    }

    Target target(Path from, String ref, SourceRef at) {
        int hash = ref.indexOf('#');
        String filePart = hash < 0 ? ref : ref.substring(0, hash);
        String pointer = hash < 0 ? "" : ref.substring(hash + 1);
        Path file = filePart.isEmpty() ? from.toAbsolutePath().normalize() : resolve(from, filePart, at);
        YamlNode node = load(file);
        if (pointer.isEmpty()) {
            return new Target(file, node, "");
        }
        if (!pointer.startsWith("/")) {
            throw new SpecException(absolute(at), at.line(), "$ref '" + ref + "' has a fragment that is not a JSON pointer"
                    + " (expected '#/...')");
        }
        for (String token : pointer.substring(1).split("/", -1)) {
            String name = token.replace("~1", "/").replace("~0", "~");
            YamlNode next = switch (node) {
                case YamlNode.YMap map -> map.get(name).orElse(null);
                case YamlNode.YList list -> name.matches("[0-9]+") && Integer.parseInt(name) < list.items().size()
                        ? list.items().get(Integer.parseInt(name)) : null;
                case YamlNode.YScalar scalar -> null;
            };
            if (next == null) {
                throw new SpecException(absolute(at), at.line(), "$ref '" + ref + "': " + relative(file) + " has nothing at '"
                        + pointer + "' (no '" + name + "' in " + node.kind() + " at line " + node.source().line() + ")");
            }
            node = next;
        }
        return new Target(file, node, pointer);
    }

    /** The file a {@code $ref} to a whole file, written in {@code from}, points to; a missing target is an error naming both. */
    Path resolve(Path from, String ref, SourceRef at) {
        if (ref.contains("#")) {
            throw new SpecException(absolute(at), at.line(),
                    "$ref '" + ref + "' has a JSON pointer; expected a reference to a whole file");
        }
        Path target = from.toAbsolutePath().getParent().resolve(ref.strip()).normalize();
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
