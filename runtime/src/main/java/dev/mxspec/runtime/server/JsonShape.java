package dev.mxspec.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The JSON a request body must have, as the spec's schema says: generated routers check a body
 * against its shape before it is read into the typed request, so that a body of the wrong shape is
 * refused with {@code M_BAD_JSON} instead of being coerced (a number as a string, a float as an
 * integer, {@code null} for a field that is not nullable) or failing in a handler.
 *
 * <p>Fields the spec does not name are accepted (and kept by the generated records); open enums
 * accept any string.
 */
public sealed interface JsonShape {

    /** Accepts any JSON value. */
    JsonShape ANY = new AnyJson(Optional.empty());
    /** Accepts any JSON object. */
    JsonShape ANY_OBJECT = new AnyJson(Optional.of(Kind.OBJECT));
    JsonShape STRING = new Scalar(Kind.STRING);
    JsonShape INTEGER = new Scalar(Kind.INTEGER);
    JsonShape NUMBER = new Scalar(Kind.NUMBER);
    JsonShape BOOLEAN = new Scalar(Kind.BOOLEAN);

    /** The kinds of JSON values, as the error messages name them. */
    enum Kind {
        STRING("a string"), INTEGER("an integer"), NUMBER("a number"), BOOLEAN("a boolean"), OBJECT("an object"),
        ARRAY("an array"), NULL("null");

        private final String text;

        Kind(String text) {
            this.text = text;
        }

        /** The kind of a JSON value ({@code INTEGER} for integral numbers). */
        public static Kind of(JsonNode node) {
            if (node.isTextual()) {
                return STRING;
            }
            if (node.isIntegralNumber()) {
                return INTEGER;
            }
            if (node.isNumber()) {
                return NUMBER;
            }
            if (node.isBoolean()) {
                return BOOLEAN;
            }
            if (node.isObject()) {
                return OBJECT;
            }
            if (node.isArray()) {
                return ARRAY;
            }
            return NULL;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** Any value, or any value of one JSON kind. */
    record AnyJson(Optional<Kind> kind) implements JsonShape {}

    /** A string, integer (a whole number that fits 64 bits), number or boolean. */
    record Scalar(Kind kind) implements JsonShape {}

    /** Exactly this string. */
    record Literal(String value) implements JsonShape {}

    record ArrayOf(JsonShape items) implements JsonShape {}

    /** An object whose every value has one shape. */
    record MapOf(JsonShape values) implements JsonShape {}

    /**
     * An object with named fields; further fields are accepted as they are.
     *
     * @param fields the named fields, in the spec's order
     */
    record ObjectOf(Map<String, Field> fields) implements JsonShape {
        public ObjectOf {
            fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /** A named field of an object. */
    record Field(JsonShape shape, boolean required) {}

    /** This shape or {@code null}. */
    record Nullable(JsonShape shape) implements JsonShape {}

    /** Any one of several shapes. */
    record OneOf(List<JsonShape> options) implements JsonShape {
        public OneOf {
            options = List.copyOf(options);
        }
    }

    /** A shape defined elsewhere, looked up when first needed (for types that refer to themselves). */
    final class Ref implements JsonShape {
        private final Supplier<JsonShape> target;

        Ref(Supplier<JsonShape> target) {
            this.target = target;
        }

        public JsonShape target() {
            return target.get();
        }
    }

    static JsonShape literal(String value) {
        return new Literal(value);
    }

    static JsonShape arrayOf(JsonShape items) {
        return new ArrayOf(items);
    }

    static JsonShape mapOf(JsonShape values) {
        return new MapOf(values);
    }

    static JsonShape nullable(JsonShape shape) {
        return new Nullable(shape);
    }

    static JsonShape oneOf(JsonShape... options) {
        return new OneOf(List.of(options));
    }

    static JsonShape ref(Supplier<JsonShape> target) {
        return new Ref(target);
    }

    /** An object; {@code fields} alternate name, {@link Field}: {@code object("a", required(STRING), "b", optional(INTEGER))}. */
    static JsonShape object(Object... fields) {
        Map<String, Field> map = new LinkedHashMap<>();
        for (int i = 0; i < fields.length; i += 2) {
            map.put((String) fields[i], (Field) fields[i + 1]);
        }
        return new ObjectOf(map);
    }

    static Field required(JsonShape shape) {
        return new Field(shape, true);
    }

    static Field optional(JsonShape shape) {
        return new Field(shape, false);
    }

    /** Whether {@code node} has this shape. */
    default boolean accepts(JsonNode node) {
        return problem(node, "").isEmpty();
    }

    /**
     * What is wrong with {@code node}, naming the place ({@code content.body: expected a string,
     * found a number}); empty when it has this shape.
     *
     * @param where the path of {@code node} in the body, empty for the body itself
     */
    default Optional<String> problem(JsonNode node, String where) {
        return ShapeCheck.problem(this, node, where);
    }
}
