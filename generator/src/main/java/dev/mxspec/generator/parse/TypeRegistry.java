package dev.mxspec.generator.parse;

import dev.mxspec.generator.names.Names;
import dev.mxspec.generator.model.Diagnostic;
import dev.mxspec.generator.model.Example;
import dev.mxspec.generator.model.Field;
import dev.mxspec.generator.model.NamedType;
import dev.mxspec.generator.model.NamedType.EnumType;
import dev.mxspec.generator.model.NamedType.ObjectType;
import dev.mxspec.generator.model.NamedType.UnionType;
import dev.mxspec.generator.model.SourceRef;
import dev.mxspec.generator.model.TypeRef;
import dev.mxspec.generator.model.TypedExample;
import dev.mxspec.generator.model.VersionInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Turns flattened schemas into type references, collecting the named types (objects with fields,
 * string enums) on the way. Identical shapes with the same name are one type. Names are settled at
 * the end by {@link TypeNamer}, once every use is known; until then named types carry provisional ids.
 */
final class TypeRegistry {

    /** Where a schema is used, which gives its name when it has no title or file of its own. */
    record Context(String name, boolean forceName) {
        static Context of(String name) {
            return new Context(name, false);
        }

        Context child(String part) {
            return of(name + Names.pascal(part));
        }
    }

    /** A named type before its final name is known. */
    record Candidate(String id, String baseName, String contextName, boolean definition, NamedType type) {}

    private record FieldShape(String name, TypeRef type, boolean required) {}

    private record ObjectShape(String baseName, List<FieldShape> fields, Optional<TypeRef> additional) {}

    private record EnumShape(String baseName, List<String> values) {}

    private record UnionShape(String baseName, List<TypeRef> options) {}

    private static final String ID_PREFIX = "\u0000";

    private final ExampleReader examples;
    private final Consumer<Diagnostic> diagnostics;
    private final Map<Object, String> idsByShape = new HashMap<>();
    private final Map<String, Candidate> candidates = new LinkedHashMap<>();
    /** Examples written on schemas, by where they are written; those of fields and bodies are taken out. */
    private final Map<SourceRef, TypedExample> schemaExamples = new LinkedHashMap<>();
    private final java.util.Set<SourceRef> fieldExamples = new java.util.HashSet<>();

    TypeRegistry(ExampleReader examples, Consumer<Diagnostic> diagnostics) {
        this.examples = examples;
        this.diagnostics = diagnostics;
    }

    Map<String, Candidate> candidates() {
        return candidates;
    }

    /**
     * Takes in what {@code other} collected, as if this registry had gone on to read it: each of its
     * named types, in the order it found them, becomes the type of the same shape here or a new one,
     * and its schema examples join those not seen yet. Its types were registered after the types they
     * use, so those are settled first.
     *
     * @return {@code other}'s provisional ids to this registry's
     */
    Map<String, String> absorb(TypeRegistry other) {
        Map<String, String> ids = new HashMap<>();
        ModelRenamer toHere = new ModelRenamer(ids);
        for (Candidate c : other.candidates.values()) {
            Object shape = shape(c.baseName(), toHere.namedType(c.type()));
            String id = idsByShape.get(shape);
            if (id == null) {
                id = ID_PREFIX + candidates.size();
                idsByShape.put(shape, id);
                ids.put(c.id(), id);
                candidates.put(id, new Candidate(id, c.baseName(), c.contextName(), c.definition(), toHere.namedType(c.type())));
            } else {
                ids.put(c.id(), id);
            }
        }
        other.schemaExamples.forEach((source, example) -> schemaExamples.putIfAbsent(source, toHere.example(example)));
        fieldExamples.addAll(other.fieldExamples);
        return ids;
    }

    /** The shape a named type was registered under (what makes two uses one type). */
    private static Object shape(String baseName, NamedType type) {
        return switch (type) {
            case ObjectType o -> new ObjectShape(baseName,
                    o.fields().stream().map(f -> new FieldShape(f.name(), f.type(), f.required())).toList(), o.additionalProperties());
            case EnumType e -> new EnumShape(baseName, e.values());
            case UnionType u -> new UnionShape(baseName, u.options());
        };
    }

    static boolean isProvisional(String name) {
        return name.startsWith(ID_PREFIX);
    }

    /** The type of a schema used at {@code context}. */
    TypeRef type(RawSchema s, Context context) {
        TypeRef type = convert(s, context);
        if (s.example != null && !schemaExamples.containsKey(s.example.source())) {
            schemaExamples.put(s.example.source(), new TypedExample(type, examples.example(s.example)));
        }
        return type;
    }

    /** Marks an example as shown on a field or body, where the model keeps it. */
    void taken(YamlNode example) {
        fieldExamples.add(example.source());
    }

    /** Examples written on schemas that are neither fields nor bodies (array items, map values, responses). */
    List<TypedExample> otherExamples() {
        return schemaExamples.values().stream().filter(e -> !fieldExamples.contains(e.example().source())).toList();
    }

    private TypeRef convert(RawSchema s, Context context) {
        if (!s.oneOf.isEmpty()) {
            List<RawSchema> options = new ArrayList<>();
            boolean nullable = false;
            for (RawSchema option : s.oneOf) {
                if (option.types.equals(List.of("null")) && option.properties.isEmpty()) {
                    nullable = true; // {type: "null"} among the options: the value may be null
                } else {
                    options.add(option);
                }
            }
            TypeRef base = options.size() == 1 ? type(options.getFirst(), context) : union(s, options, context);
            return nullable ? new TypeRef.Nullable(base) : base;
        }
        List<String> types = s.types;
        if (types.size() > 1) {
            List<String> nonNull = types.stream().filter(t -> !t.equals("null")).toList();
            List<RawSchema> options = new ArrayList<>();
            for (String t : nonNull) {
                RawSchema single = s.copy();
                single.types = List.of(t);
                single.title = null; // the title names the whole, not one of its shapes
                single.definitionFile = null;
                options.add(single);
            }
            TypeRef base = options.size() == 1 ? type(options.getFirst(), context) : union(s, options, context);
            return nonNull.size() < types.size() ? new TypeRef.Nullable(base) : base;
        }
        String type = types.isEmpty() ? null : types.getFirst();
        if (type == null) {
            if (s.isObjectLike()) {
                type = "object";
            } else if (!s.enumValues.isEmpty()) {
                type = "string";
            } else if (s.items != null || !s.tupleItems.isEmpty()) {
                type = "array";
            } else {
                return new TypeRef.AnyJson(Optional.empty());
            }
        }
        return switch (type) {
            case "string" -> string(s, context);
            case "integer" -> new TypeRef.Primitive(TypeRef.PrimitiveKind.INTEGER, Optional.ofNullable(s.format));
            case "number" -> new TypeRef.Primitive(TypeRef.PrimitiveKind.NUMBER, Optional.ofNullable(s.format));
            case "boolean" -> new TypeRef.Primitive(TypeRef.PrimitiveKind.BOOLEAN, Optional.empty());
            case "file" -> new TypeRef.Binary();
            case "array" -> {
                if (!s.tupleItems.isEmpty()) {
                    List<TypeRef> positions = new ArrayList<>();
                    s.tupleItems.forEach(item -> positions.add(type(item, context)));
                    yield new TypeRef.Tuple(positions);
                }
                if (s.items == null) {
                    diagnostics.accept(Diagnostic.warning(s.source, "array without 'items': items read as any JSON"));
                    yield new TypeRef.ArrayOf(new TypeRef.AnyJson(Optional.empty()));
                }
                yield new TypeRef.ArrayOf(type(s.items, context));
            }
            case "object" -> object(s, context);
            default -> {
                diagnostics.accept(Diagnostic.error(s.source, "type '" + type + "' is not a JSON schema type; read as any JSON"));
                yield new TypeRef.AnyJson(Optional.empty());
            }
        };
    }

    /**
     * A union of several shapes, named like an object (title, file, place of use). Its options are
     * typed at the place of use plus their JSON kind, so that an option without a name of its own is
     * not named like the union.
     */
    private TypeRef union(RawSchema s, List<RawSchema> options, Context context) {
        List<TypeRef> types = new ArrayList<>();
        for (RawSchema option : options) {
            types.add(type(option, context.child(kind(option))));
        }
        if (types.stream().allMatch(t -> t instanceof TypeRef.Primitive p && p.kind() == ((TypeRef.Primitive) types.getFirst()).kind())) {
            // Values JSON cannot tell apart (strings of two formats, such as a room ID or an alias) are one primitive.
            List<Optional<String>> formats = types.stream().map(t -> ((TypeRef.Primitive) t).format()).distinct().toList();
            return new TypeRef.Primitive(((TypeRef.Primitive) types.getFirst()).kind(),
                    formats.size() == 1 ? formats.getFirst() : Optional.empty());
        }
        String baseName = baseName(s, context);
        UnionShape shape = new UnionShape(baseName, types);
        String id = idsByShape.get(shape);
        if (id == null) {
            id = ID_PREFIX + candidates.size();
            idsByShape.put(shape, id);
            candidates.put(id, new Candidate(id, baseName, context.name(), s.definitionFile != null,
                    new UnionType(id, describe(s), types, s.source)));
        }
        return new TypeRef.Named(id);
    }

    /** The JSON kind of a schema, as a word for names: {@code object}, {@code string}, {@code array}, ... */
    private static String kind(RawSchema s) {
        if (s.types.size() == 1) {
            return s.types.getFirst();
        }
        if (s.isObjectLike()) {
            return "object";
        }
        return !s.enumValues.isEmpty() ? "string" : s.items != null || !s.tupleItems.isEmpty() ? "array" : "value";
    }

    private TypeRef string(RawSchema s, Context context) {
        if (s.enumValues.size() == 1) {
            return new TypeRef.Literal(s.enumValues.getFirst());
        }
        if (s.enumValues.isEmpty()) {
            return new TypeRef.Primitive(TypeRef.PrimitiveKind.STRING, Optional.ofNullable(s.format));
        }
        String baseName = baseName(s, context);
        EnumShape shape = new EnumShape(baseName, s.enumValues);
        String id = idsByShape.get(shape);
        if (id == null) {
            id = ID_PREFIX + candidates.size();
            idsByShape.put(shape, id);
            candidates.put(id, new Candidate(id, baseName, context.name(), s.definitionFile != null,
                    new EnumType(id, describe(s), s.enumValues, s.source)));
        }
        return new TypeRef.Named(id);
    }

    private TypeRef object(RawSchema s, Context context) {
        if (s.properties.isEmpty()) {
            if (s.additionalProperties != null) {
                return new TypeRef.MapOf(type(s.additionalProperties, context), Optional.empty(),
                        Optional.ofNullable(s.additionalProperties.keyName));
            }
            if (s.patternProperties.size() == 1) {
                Map.Entry<String, RawSchema> only = s.patternProperties.entrySet().iterator().next();
                return new TypeRef.MapOf(type(only.getValue(), context), Optional.of(only.getKey()),
                        Optional.ofNullable(only.getValue().keyName));
            }
            if (s.patternProperties.size() > 1) {
                diagnostics.accept(Diagnostic.error(s.source, "several patternProperties on one object; read as a JSON object"));
            }
            return TypeRef.anyObject();
        }
        if (!s.patternProperties.isEmpty()) {
            diagnostics.accept(Diagnostic.error(s.source, "patternProperties beside properties; the patterns are not modelled"));
        }
        String baseName = baseName(s, context);
        Context inner = Context.of(baseName);
        List<Field> fields = new ArrayList<>();
        for (Map.Entry<String, RawSchema> p : s.properties.entrySet()) {
            fields.add(field(p.getKey(), p.getValue(), s.required.contains(p.getKey()), inner.child(p.getKey())));
        }
        for (String name : s.required) {
            if (!s.properties.containsKey(name)) {
                diagnostics.accept(Diagnostic.warning(s.source, "required property '" + name + "' is not declared"));
            }
        }
        Optional<TypeRef> additional = s.additionalProperties == null
                ? Optional.empty()
                : Optional.of(type(s.additionalProperties, inner.child("Value")));
        ObjectShape shape = new ObjectShape(baseName,
                fields.stream().map(f -> new FieldShape(f.name(), f.type(), f.required())).toList(), additional);
        String id = idsByShape.get(shape);
        if (id == null) {
            id = ID_PREFIX + candidates.size();
            idsByShape.put(shape, id);
            candidates.put(id, new Candidate(id, baseName, context.name(), s.definitionFile != null,
                    new ObjectType(id, Optional.ofNullable(s.title), describe(s), fields, additional, versions(s), s.source)));
        }
        return new TypeRef.Named(id);
    }

    /** A property or parameter. */
    Field field(String name, RawSchema s, boolean required, Context context) {
        List<Example> found = new ArrayList<>();
        if (s.example != null) {
            found.add(examples.example(s.example));
            taken(s.example);
        }
        Optional<String> defaultValue = s.defaultValue == null
                ? Optional.empty()
                : Optional.of(examples.example(s.defaultValue).json());
        return new Field(name, type(s, context), required, describe(s), defaultValue, found, versions(s), s.source);
    }

    static VersionInfo versions(RawSchema s) {
        return new VersionInfo(Optional.ofNullable(s.addedIn), new TreeMap<>(s.changedIn), s.deprecated);
    }

    private static String describe(RawSchema s) {
        return s.description == null ? "" : s.description.strip();
    }

    private static String baseName(RawSchema s, Context context) {
        if (context.forceName()) {
            return context.name();
        }
        if (s.title != null && !s.title.isBlank()) {
            return Names.pascal(s.title);
        }
        if (s.definitionFile != null) {
            return Names.fileName(s.definitionFile);
        }
        return context.name();
    }

    /** Source of a candidate, for messages. */
    static SourceRef source(Candidate c) {
        return c.type().source();
    }
}
