package dev.mxspec.generator.validate;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.generator.model.Field;
import dev.mxspec.generator.model.NamedType;
import dev.mxspec.generator.model.NamedType.EnumType;
import dev.mxspec.generator.model.NamedType.ObjectType;
import dev.mxspec.generator.model.NamedType.UnionType;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.model.TypeRef;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a JSON value against a type of the model (not against the YAML): what the generated code
 * will accept is what is checked here. Problems are reported with the JSON pointer of the value.
 */
public final class JsonChecker {

    private static final JsonFactory JSON = new JsonFactory();

    private final SpecRelease release;
    private final Map<String, Pattern> patterns = new HashMap<>();

    public JsonChecker(SpecRelease release) {
        this.release = release;
    }

    /** Every way {@code value} disagrees with {@code type}; empty when it conforms. */
    public List<String> check(JsonNode value, TypeRef type) {
        List<String> problems = new ArrayList<>();
        check(value, type, "", problems);
        return problems;
    }

    /**
     * Checks a parameter example. Path, query and header values travel as text, so text that
     * reads as the parameter's primitive type conforms too.
     */
    public List<String> checkParameter(JsonNode value, TypeRef type) {
        if (value.isValueNode() && !value.isNull() && !value.isTextual()) {
            value = com.fasterxml.jackson.databind.node.TextNode.valueOf(value.asText());
        }
        if (value.isTextual() && type instanceof TypeRef.Primitive p) {
            String text = value.asText();
            boolean ok = switch (p.kind()) {
                case STRING -> true;
                case INTEGER -> text.matches("-?[0-9]+");
                case NUMBER -> text.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
                case BOOLEAN -> text.equals("true") || text.equals("false");
            };
            return ok ? List.of() : List.of("'" + text + "' is not " + type.display());
        }
        if (value.isTextual() && type instanceof TypeRef.ArrayOf a) {
            List<String> problems = new ArrayList<>();
            for (String part : value.asText().split(",")) {
                problems.addAll(checkParameter(com.fasterxml.jackson.databind.node.TextNode.valueOf(part), a.items()));
            }
            return problems;
        }
        return check(value, type);
    }

    private void check(JsonNode value, TypeRef type, String at, List<String> problems) {
        switch (type) {
            case TypeRef.Primitive p -> {
                boolean ok = switch (p.kind()) {
                    case STRING -> value.isTextual();
                    case INTEGER -> value.isIntegralNumber() || (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0);
                    case NUMBER -> value.isNumber();
                    case BOOLEAN -> value.isBoolean();
                };
                if (!ok) {
                    problems.add(where(at) + "expected " + type.display() + ", found " + describe(value));
                }
            }
            case TypeRef.Literal l -> {
                if (!value.isTextual() || !value.asText().equals(l.value())) {
                    problems.add(where(at) + "expected \"" + l.value() + "\", found " + describe(value));
                }
            }
            case TypeRef.ArrayOf a -> {
                if (!value.isArray()) {
                    problems.add(where(at) + "expected an array, found " + describe(value));
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    check(value.get(i), a.items(), at + "/" + i, problems);
                }
            }
            case TypeRef.MapOf m -> {
                if (!value.isObject()) {
                    problems.add(where(at) + "expected an object, found " + describe(value));
                    return;
                }
                Pattern keys = m.keyPattern().map(this::pattern).orElse(null);
                for (Map.Entry<String, JsonNode> e : value.properties()) {
                    if (keys != null && !keys.matcher(e.getKey()).find()) {
                        problems.add(where(at) + "key '" + e.getKey() + "' does not match " + m.keyPattern().get());
                    }
                    check(e.getValue(), m.values(), at + "/" + escape(e.getKey()), problems);
                }
            }
            case TypeRef.Tuple t -> {
                if (!value.isArray() || value.size() != t.items().size()) {
                    problems.add(where(at) + "expected an array of " + t.items().size() + " items, found " + describe(value));
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    check(value.get(i), t.items().get(i), at + "/" + i, problems);
                }
            }
            case TypeRef.Binary b -> problems.add(where(at) + "expected raw bytes, found JSON");
            case TypeRef.Named n -> named(value, release.types().get(n.name()), at, problems);
            case TypeRef.AnyJson j -> {
                if (j.jsonType().isPresent() && !value.isObject()) {
                    problems.add(where(at) + "expected an object, found " + describe(value));
                }
            }
            case TypeRef.Nullable n -> {
                if (!value.isNull()) {
                    check(value, n.type(), at, problems);
                }
            }
        }
    }

    private void named(JsonNode value, NamedType type, String at, List<String> problems) {
        switch (type) {
            case null -> problems.add(where(at) + "type is missing from the model");
            case EnumType e -> {
                if (!value.isTextual()) {
                    problems.add(where(at) + "expected a string of " + e.name() + ", found " + describe(value));
                } else if (!e.values().contains(value.asText())) {
                    problems.add(where(at) + "\"" + value.asText() + "\" is not one of " + e.values());
                }
            }
            case UnionType u -> {
                List<List<String>> attempts = new ArrayList<>();
                for (TypeRef option : u.options()) {
                    List<String> attempt = new ArrayList<>();
                    check(value, option, at, attempt);
                    if (attempt.isEmpty()) {
                        return;
                    }
                    attempts.add(attempt);
                }
                problems.add(where(at) + "matches none of " + String.join(" | ", u.options().stream().map(TypeRef::display).toList())
                        + " (" + String.join("; ", attempts.stream().map(a -> a.getFirst()).toList()) + ")");
            }
            case ObjectType o -> {
                if (!value.isObject()) {
                    problems.add(where(at) + "expected an object (" + o.name() + "), found " + describe(value));
                    return;
                }
                for (Field f : o.fields()) {
                    JsonNode v = value.get(f.name());
                    if (v == null) {
                        if (f.required()) {
                            problems.add(where(at) + "required field '" + f.name() + "' of " + o.name() + " is missing");
                        }
                    } else {
                        check(v, f.type(), at + "/" + escape(f.name()), problems);
                    }
                }
                if (o.additionalProperties().isPresent()) {
                    for (Map.Entry<String, JsonNode> e : value.properties()) {
                        if (o.field(e.getKey()).isEmpty()) {
                            check(e.getValue(), o.additionalProperties().get(), at + "/" + escape(e.getKey()), problems);
                        }
                    }
                }
            }
        }
    }

    private Pattern pattern(String regex) {
        return patterns.computeIfAbsent(regex, Pattern::compile);
    }

    private static String where(String at) {
        return (at.isEmpty() ? "/" : at) + ": ";
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private static String describe(JsonNode value) {
        String kind = value.isObject() ? "object" : value.isArray() ? "array" : value.isTextual() ? "string"
                : value.isNumber() ? "number" : value.isBoolean() ? "boolean" : "null";
        if (value.isContainerNode()) {
            return kind;
        }
        String text = scalarJson(value);
        return kind + " " + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
    }

    /**
     * A scalar as JSON text, as {@code toString()} gives it, written by the streaming generator:
     * {@code toString()} sets up an ObjectMapper, which costs a JVM that is not warm yet far more
     * than the whole check.
     */
    private static String scalarJson(JsonNode value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            if (value.isNull()) {
                gen.writeNull();
            } else {
                value.serialize(gen, null);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
