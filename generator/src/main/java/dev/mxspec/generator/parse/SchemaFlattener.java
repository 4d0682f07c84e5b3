package dev.mxspec.generator.parse;

import dev.mxspec.generator.model.Diagnostic;
import dev.mxspec.generator.parse.YamlNode.YList;
import dev.mxspec.generator.parse.YamlNode.YMap;
import dev.mxspec.generator.parse.YamlNode.YScalar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns a JSON schema as written (with relative {@code $ref}s and {@code allOf}) into a
 * {@link RawSchema}. Unknown keywords become diagnostics.
 */
final class SchemaFlattener {

    /** Keywords read into the model. */
    private static final Set<String> KNOWN = Set.of(
            "$ref", "allOf", "oneOf", "type", "title", "description", "properties", "required", "items",
            "additionalProperties", "patternProperties", "enum", "format", "example", "default",
            "x-addedInMatrixVersion", "x-changedInMatrixVersion", "deprecated", "x-pattern");

    /**
     * Keywords that only constrain values (lengths, ranges, patterns) and are checked as part of
     * validation rules the spec states in prose; read and kept out of the type model.
     */
    private static final Set<String> CONSTRAINTS = Set.of(
            "minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum", "pattern", "uniqueItems",
            "minProperties", "maxProperties", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
            // The JSON schema dialect a file declares: the reader understands the dialect the spec uses.
            "$schema");

    /**
     * Matrix extensions that only shape the rendered spec: {@code x-weight} orders sections,
     * {@code x-pattern-format} names the format of map keys for readers (the key pattern itself is
     * {@code patternProperties}).
     */
    private static final Set<String> PRESENTATION = Set.of("x-weight", "x-pattern-format");

    private static final OpenObjects OPEN_OBJECTS = OpenObjects.load();

    private final SpecFiles files;
    private final Consumer<Diagnostic> diagnostics;
    private final Map<Path, RawSchema> byFile = new HashMap<>();
    private final Set<Path> inProgress = new HashSet<>();
    private final Map<String, RawSchema> byPointer = new HashMap<>();
    private final Set<String> inProgressPointers = new HashSet<>();

    SchemaFlattener(SpecFiles files, Consumer<Diagnostic> diagnostics) {
        this.files = files;
        this.diagnostics = diagnostics;
    }

    /** The schema of a whole file. */
    RawSchema file(Path file) {
        Path key = file.toAbsolutePath().normalize();
        RawSchema cached = byFile.get(key);
        if (cached != null) {
            return cached;
        }
        if (!inProgress.add(key)) {
            YamlNode node = files.load(key);
            throw new SpecException(key, node.source().line(), "$ref cycle through this file");
        }
        try {
            RawSchema schema = flatten(files.load(key), key).copy();
            schema.definitionFile = files.relative(key);
            byFile.put(key, schema);
            return schema;
        } finally {
            inProgress.remove(key);
        }
    }

    /**
     * The schema a JSON pointer leads to ({@code #/components/schemas/...}). It is read like a
     * schema written in place: it has no file of its own to name it.
     */
    private RawSchema pointed(SpecFiles.Target target) {
        RawSchema cached = byPointer.get(target.key());
        if (cached != null) {
            return cached;
        }
        if (!inProgressPointers.add(target.key())) {
            throw new SpecException(target.file(), target.node().source().line(), "$ref cycle through '#" + target.pointer() + "'");
        }
        try {
            RawSchema schema = flatten(target.node(), target.file()).copy();
            byPointer.put(target.key(), schema);
            return schema;
        } finally {
            inProgressPointers.remove(target.key());
        }
    }

    /** The schema written at {@code node} in {@code file}. */
    RawSchema flatten(YamlNode node, Path file) {
        if (!(node instanceof YMap map)) {
            if (node instanceof YScalar s && Boolean.TRUE.equals(s.value())) {
                return new RawSchema(node.source()); // "true": any value
            }
            diagnostics.accept(Diagnostic.error(node.source(), "expected a schema (a mapping), found " + node.kind()));
            return new RawSchema(node.source());
        }
        RawSchema result = null;
        if (map.get("$ref").isPresent()) {
            String ref = map.string("$ref").orElse("");
            SpecFiles.Target target = files.target(file, ref, map.source());
            result = target.pointer().isEmpty() ? file(target.file()) : pointed(target);
        }
        if (map.list("allOf").isPresent()) {
            for (YamlNode part : map.list("allOf").get().items()) {
                RawSchema flat = flatten(part, file);
                result = result == null ? flat : RawSchema.merge(result, flat);
            }
        }
        RawSchema own = shaped(own(map, file), file);
        if (result == null) {
            return own;
        }
        boolean onlyRef = map.entries().keySet().stream().allMatch(k -> k.equals("$ref"));
        return onlyRef ? result : RawSchema.merge(result, own);
    }

    /**
     * An open object (a title, no fields) with the fields {@link OpenObjects} knows for its title in
     * this file; any other schema as it is.
     */
    private RawSchema shaped(RawSchema s, Path file) {
        if (!OpenObjects.isOpen(s)) {
            return s;
        }
        return OPEN_OBJECTS.shape(files.relative(file), s.title).map(shape -> {
            if (shape.ref() == null) {
                return RawSchema.merge(OpenObjects.schema(shape.schema(), s.source), s);
            }
            Path target = file.toAbsolutePath().getParent().resolve(shape.ref()).normalize();
            return Files.isRegularFile(target) ? RawSchema.merge(file(target), s) : s;
        }).orElse(s);
    }

    private RawSchema own(YMap map, Path file) {
        RawSchema s = new RawSchema(map.source());
        for (Map.Entry<String, YamlNode> e : map.entries().entrySet()) {
            String key = e.getKey();
            YamlNode value = e.getValue();
            switch (key) {
                case "$ref", "allOf" -> { }
                // Definitions other parts of the file point to with '#/components/...' or '#/$defs/...':
                // read where they are used.
                case "components", "$defs" -> { }
                case "title" -> s.title = text(value);
                case "description" -> s.description = text(value);
                case "type" -> {
                    if (value instanceof YList list && list.items().stream().anyMatch(YMap.class::isInstance)) {
                        // JSON schema draft 3 allowed schemas inside 'type': read as oneOf.
                        diagnostics.accept(Diagnostic.warning(value.source(), "schema inside 'type' (JSON schema draft 3); read as oneOf"));
                        List<RawSchema> options = new ArrayList<>();
                        for (YamlNode item : list.items()) {
                            if (item instanceof YMap) {
                                options.add(flatten(item, file));
                            } else {
                                RawSchema simple = new RawSchema(item.source());
                                simple.types = List.of(text(item));
                                options.add(simple);
                            }
                        }
                        s.oneOf = options;
                    } else {
                        s.types = types(value);
                    }
                }
                case "format" -> s.format = text(value);
                case "properties" -> {
                    if (value instanceof YMap props) {
                        props.entries().forEach((name, schema) -> s.properties.put(name, flatten(schema, file)));
                    } else if (value instanceof YList list && list.items().isEmpty()) {
                        diagnostics.accept(Diagnostic.warning(value.source(), "'properties' is an empty list; read as no properties"));
                    } else {
                        unexpected(value, "properties", "a mapping of property names to schemas");
                    }
                }
                case "required" -> {
                    if (value instanceof YList list) {
                        list.items().forEach(item -> s.required.add(text(item)));
                    } else {
                        unexpected(value, "required", "a list of property names");
                    }
                }
                case "prefixItems" -> {
                    // JSON schema 2020-12's tuple: one schema per position.
                    if (value instanceof YList tuple) {
                        List<RawSchema> positions = new ArrayList<>();
                        tuple.items().forEach(item -> positions.add(flatten(item, file)));
                        s.tupleItems = positions;
                    } else {
                        unexpected(value, "prefixItems", "a list of schemas");
                    }
                }
                case "items" -> {
                    if (value instanceof YList tuple) {
                        List<RawSchema> positions = new ArrayList<>();
                        tuple.items().forEach(item -> positions.add(flatten(item, file)));
                        s.tupleItems = positions;
                    } else {
                        s.items = flatten(value, file);
                    }
                }
                case "additionalProperties" -> {
                    if (value instanceof YScalar scalar && scalar.value() instanceof Boolean allowed) {
                        s.additionalPropertiesAllowed = allowed;
                    } else {
                        s.additionalProperties = flatten(value, file);
                    }
                }
                case "patternProperties" -> {
                    if (value instanceof YMap patterns) {
                        patterns.entries().forEach((pattern, schema) -> s.patternProperties.put(pattern, flatten(schema, file)));
                    } else {
                        unexpected(value, "patternProperties", "a mapping of patterns to schemas");
                    }
                }
                case "x-pattern" -> s.keyName = text(value);
                // anyOf is read as oneOf: a value is checked against each option until one accepts it.
                case "oneOf", "anyOf" -> {
                    if (value instanceof YList list) {
                        List<RawSchema> options = new ArrayList<>();
                        list.items().forEach(item -> options.add(flatten(item, file)));
                        s.oneOf = options;
                    } else {
                        unexpected(value, key, "a list of schemas");
                    }
                }
                case "enum" -> {
                    if (value instanceof YList list) {
                        s.enumValues = list.items().stream().map(SchemaFlattener::text).toList();
                    } else {
                        unexpected(value, "enum", "a list of values");
                    }
                }
                case "example" -> s.example = value;
                case "const" -> s.enumValues = List.of(text(value));
                case "examples" -> {
                    if (value instanceof YList list && !list.items().isEmpty()) {
                        if (s.example == null) {
                            s.example = list.items().getFirst();
                        }
                    } else {
                        unexpected(value, "examples", "a non-empty list of example values");
                    }
                }
                case "x-example" -> {
                    if (s.example == null) {
                        s.example = value;
                    }
                }
                case "default" -> s.defaultValue = value;
                case "x-addedInMatrixVersion" -> s.addedIn = text(value);
                case "x-changedInMatrixVersion" -> s.changedIn.putAll(changedIn(value, diagnostics));
                case "deprecated" -> s.deprecated = value instanceof YScalar sc && Boolean.TRUE.equals(sc.value());
                default -> {
                    if (!CONSTRAINTS.contains(key) && !KNOWN.contains(key) && !PRESENTATION.contains(key)) {
                        diagnostics.accept(Diagnostic.warning(value.source(), "schema keyword '" + key + "' is not understood; ignored"));
                    }
                }
            }
        }
        return s;
    }

    private void unexpected(YamlNode value, String key, String expected) {
        diagnostics.accept(Diagnostic.error(value.source(), "'" + key + "' should be " + expected + ", found " + value.kind()));
    }

    static List<String> types(YamlNode value) {
        if (value instanceof YList list) {
            return list.items().stream().map(SchemaFlattener::text).toList();
        }
        return List.of(text(value));
    }

    static String text(YamlNode node) {
        return node.asText().orElse(node instanceof YScalar ? "null" : "");
    }

    /** Reads {@code x-changedInMatrixVersion}: a map of version (YAML may read {@code 1.2} as a number) to text. */
    static Map<String, String> changedIn(YamlNode value, Consumer<Diagnostic> diagnostics) {
        Map<String, String> result = new java.util.TreeMap<>();
        if (value instanceof YMap map) {
            map.entries().forEach((version, text) -> result.put(version, text(text).strip()));
        } else {
            diagnostics.accept(Diagnostic.error(value.source(),
                    "'x-changedInMatrixVersion' should map spec versions to text, found " + value.kind()));
        }
        return result;
    }
}
