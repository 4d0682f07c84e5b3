package dev.mxspec.generator.parse;

import dev.mxspec.generator.model.Diagnostic;
import dev.mxspec.generator.model.SourceRef;
import dev.mxspec.generator.parse.YamlNode.YList;
import dev.mxspec.generator.parse.YamlNode.YMap;
import dev.mxspec.generator.parse.YamlNode.YScalar;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/** Reads one YAML or JSON file into a {@link YamlNode} tree that remembers file and line of every node. */
final class YamlLoader {

    private final Path root;
    private final Consumer<Diagnostic> diagnostics;
    private final LoaderOptions options = new LoaderOptions();
    /** Implicit types of plain scalars (YAML 1.1, as {@code Yaml.compose} resolves them); only read after construction. */
    private final Resolver resolver = new Resolver();

    YamlLoader(Path root, Consumer<Diagnostic> diagnostics) {
        this.root = root;
        this.diagnostics = diagnostics;
        options.setCodePointLimit(16 * 1024 * 1024);
    }

    YamlNode load(Path file) {
        String name = relative(file);
        Node node;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            // What Yaml.compose does, without setting up a Yaml (constructor, representer, resolver) per file.
            node = new Composer(new ParserImpl(new StreamReader(reader), options), resolver, options).getSingleNode();
        } catch (NoSuchFileException e) {
            throw new SpecException(file, 0, "file not found (expected a YAML or JSON file of the spec release)");
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = mark == null ? 0 : mark.getLine() + 1;
            throw new SpecException(file, line, "malformed YAML: " + firstLine(e.getProblem()), e);
        } catch (YAMLException e) {
            throw new SpecException(file, 0, "malformed YAML: " + firstLine(e.getMessage()), e);
        } catch (IOException e) {
            throw new SpecException(file, 0, "cannot read file: " + e, e);
        }
        if (node == null) {
            throw new SpecException(file, 0, "empty file (expected a YAML or JSON document)");
        }
        return convert(node, name, new IdentityHashMap<>());
    }

    private YamlNode convert(Node node, String file, Map<Node, YamlNode> seen) {
        YamlNode done = seen.get(node);
        if (done != null) {
            return done; // YAML alias: the same node again
        }
        SourceRef source = new SourceRef(file, node.getStartMark().getLine() + 1);
        YamlNode result = switch (node) {
            case ScalarNode scalar -> scalar(scalar, source);
            case SequenceNode seq -> {
                List<YamlNode> items = new ArrayList<>(seq.getValue().size());
                for (Node item : seq.getValue()) {
                    items.add(convert(item, file, seen));
                }
                yield new YList(items, source);
            }
            case MappingNode map -> {
                Map<String, YamlNode> entries = new LinkedHashMap<>();
                for (NodeTuple tuple : map.getValue()) {
                    if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                        diagnostics.accept(Diagnostic.warning(
                                new SourceRef(file, tuple.getKeyNode().getStartMark().getLine() + 1),
                                "mapping key is not a scalar; entry ignored"));
                        continue;
                    }
                    YamlNode value = convert(tuple.getValueNode(), file, seen);
                    if (entries.put(key.getValue(), value) != null) {
                        diagnostics.accept(Diagnostic.warning(
                                new SourceRef(file, key.getStartMark().getLine() + 1),
                                "duplicate key '" + key.getValue() + "'; the last value wins"));
                    }
                }
                yield new YMap(entries, source);
            }
            default -> throw new SpecException(root.resolve(file), source.line(), "unsupported YAML node " + node.getNodeId());
        };
        seen.put(node, result);
        return result;
    }

    private static YScalar scalar(ScalarNode node, SourceRef source) {
        String text = node.getValue();
        Tag tag = node.getTag();
        Object value;
        if (Tag.NULL.equals(tag)) {
            value = null;
        } else if (Tag.BOOL.equals(tag)) {
            value = switch (text.toLowerCase(java.util.Locale.ROOT)) {
                case "true", "yes", "on", "y" -> Boolean.TRUE;
                default -> Boolean.FALSE;
            };
        } else if (Tag.INT.equals(tag)) {
            value = integer(text);
        } else if (Tag.FLOAT.equals(tag)) {
            value = decimal(text);
        } else {
            value = text;
        }
        return new YScalar(value, text, source);
    }

    private static Object integer(String text) {
        String clean = text.replace("_", "");
        try {
            if (clean.startsWith("0x") || clean.startsWith("-0x")) {
                return new BigInteger(clean.replaceFirst("0x", ""), 16);
            }
            return new BigInteger(clean);
        } catch (NumberFormatException e) {
            return text;
        }
    }

    private static Object decimal(String text) {
        try {
            return new BigDecimal(text.replace("_", ""));
        } catch (NumberFormatException e) {
            return text; // .inf, .nan: kept as written
        }
    }

    private String relative(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        return abs.startsWith(root) ? root.relativize(abs).toString().replace('\\', '/') : abs.toString();
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unreadable document";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
