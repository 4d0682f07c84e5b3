package dev.mxspec.generator.model;

import java.util.List;
import java.util.Optional;

/**
 * The type of a value: a field, an item, a body. Object and enum types are referred to by name
 * (see {@link NamedType}), and so are unions of several shapes; everything else is structural.
 */
public sealed interface TypeRef {

    /** A JSON primitive. Integers without a format are 64-bit. */
    record Primitive(PrimitiveKind kind, Optional<String> format) implements TypeRef {}

    /** The JSON primitive kinds. */
    enum PrimitiveKind {
        STRING,
        /** A JSON integer; 64-bit unless the format says otherwise. */
        INTEGER,
        NUMBER,
        BOOLEAN
    }

    /** A JSON array. */
    record ArrayOf(TypeRef items) implements TypeRef {}

    /** A JSON array of fixed length whose positions have their own types ({@code items} given as a list). */
    record Tuple(List<TypeRef> items) implements TypeRef {
        public Tuple {
            items = List.copyOf(items);
        }
    }

    /** Raw bytes rather than JSON (Swagger's {@code type: file}): a media download. */
    record Binary() implements TypeRef {}

    /**
     * A JSON object used as a map from string keys to values
     * ({@code additionalProperties} or {@code patternProperties} without fixed properties).
     *
     * @param keyPattern the {@code patternProperties} regex, if keys are constrained
     * @param keyName the spec's placeholder for the key ({@code x-pattern}, for example {@code $USER_ID})
     */
    record MapOf(TypeRef values, Optional<String> keyPattern, Optional<String> keyName) implements TypeRef {}

    /** A reference to a {@link NamedType} of the release by its name. */
    record Named(String name) implements TypeRef {}

    /** A string that can have exactly one value, such as {@code msgtype: m.text}. */
    record Literal(String value) implements TypeRef {}

    /**
     * Any JSON the spec leaves open.
     *
     * @param jsonType {@code object} for an object with no declared fields, empty for any JSON value
     */
    record AnyJson(Optional<String> jsonType) implements TypeRef {}

    /** A value that may also be JSON {@code null} ({@code type: [string, "null"]}). */
    record Nullable(TypeRef type) implements TypeRef {}

    static TypeRef string() {
        return new Primitive(PrimitiveKind.STRING, Optional.empty());
    }

    static TypeRef anyObject() {
        return new AnyJson(Optional.of("object"));
    }

    /** A compact, human notation: {@code string}, {@code [RoomEvent]}, {@code {string: integer}}. */
    default String display() {
        return switch (this) {
            case Primitive p -> p.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + p.format().map(f -> "(" + f + ")").orElse("");
            case ArrayOf a -> "[" + a.items().display() + "]";
            case Tuple t -> "(" + String.join(", ", t.items().stream().map(TypeRef::display).toList()) + ")";
            case Binary b -> "bytes";
            case MapOf m -> "{" + m.keyName().orElse("string") + ": " + m.values().display() + "}";
            case Named n -> n.name();
            case Literal l -> "\"" + l.value() + "\"";
            case AnyJson j -> j.jsonType().orElse("json");
            case Nullable n -> n.type().display() + "?";
        };
    }
}
