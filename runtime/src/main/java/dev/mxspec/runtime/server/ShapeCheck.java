package dev.mxspec.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.server.JsonShape.AnyJson;
import dev.mxspec.runtime.server.JsonShape.ArrayOf;
import dev.mxspec.runtime.server.JsonShape.Field;
import dev.mxspec.runtime.server.JsonShape.Kind;
import dev.mxspec.runtime.server.JsonShape.Literal;
import dev.mxspec.runtime.server.JsonShape.MapOf;
import dev.mxspec.runtime.server.JsonShape.Nullable;
import dev.mxspec.runtime.server.JsonShape.ObjectOf;
import dev.mxspec.runtime.server.JsonShape.OneOf;
import dev.mxspec.runtime.server.JsonShape.Ref;
import dev.mxspec.runtime.server.JsonShape.Scalar;
import java.util.Map;
import java.util.Optional;

/** Checks a JSON value against a {@link JsonShape}, naming the first place that does not fit. */
final class ShapeCheck {

    private ShapeCheck() {}


    static Optional<String> problem(JsonShape shape, JsonNode node, String where) {
        Kind found = Kind.of(node);
        return switch (shape) {
            case AnyJson a -> a.kind().isEmpty() || a.kind().get() == found ? Optional.empty() : expected(where, a.kind().get(), found);
            case Scalar s -> scalar(s.kind(), node, found, where);
            case Literal l -> node.isTextual() && node.textValue().equals(l.value()) ? Optional.empty()
                    : Optional.of(at(where) + "expected \"" + l.value() + "\"");
            case ArrayOf a -> {
                if (found != Kind.ARRAY) {
                    yield expected(where, Kind.ARRAY, found);
                }
                for (int i = 0; i < node.size(); i++) {
                    Optional<String> p = problem(a.items(), node.get(i), where + "[" + i + "]");
                    if (p.isPresent()) {
                        yield p;
                    }
                }
                yield Optional.empty();
            }
            case MapOf m -> {
                if (found != Kind.OBJECT) {
                    yield expected(where, Kind.OBJECT, found);
                }
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    Optional<String> p = problem(m.values(), e.getValue(), child(where, e.getKey()));
                    if (p.isPresent()) {
                        yield p;
                    }
                }
                yield Optional.empty();
            }
            case ObjectOf o -> {
                if (found != Kind.OBJECT) {
                    yield expected(where, Kind.OBJECT, found);
                }
                for (Map.Entry<String, Field> f : o.fields().entrySet()) {
                    JsonNode value = node.get(f.getKey());
                    if (value == null) {
                        if (f.getValue().required()) {
                            yield Optional.of(at(where) + "required field '" + f.getKey() + "' is missing");
                        }
                        continue;
                    }
                    Optional<String> p = problem(f.getValue().shape(), value, child(where, f.getKey()));
                    if (p.isPresent()) {
                        yield p;
                    }
                }
                yield Optional.empty();
            }
            case Nullable n -> found == Kind.NULL ? Optional.empty() : problem(n.shape(), node, where);
            case OneOf o -> {
                for (JsonShape option : o.options()) {
                    if (problem(option, node, where).isEmpty()) {
                        yield Optional.empty();
                    }
                }
                yield Optional.of(at(where) + "does not fit any of the allowed forms");
            }
            case Ref r -> problem(r.target(), node, where);
        };
    }

    private static Optional<String> scalar(Kind kind, JsonNode node, Kind found, String where) {
        boolean fits = switch (kind) {
            case INTEGER -> found == Kind.INTEGER && node.canConvertToLong();
            case NUMBER -> found == Kind.INTEGER || found == Kind.NUMBER;
            default -> found == kind;
        };
        if (fits) {
            return Optional.empty();
        }
        if (kind == Kind.INTEGER && found == Kind.INTEGER) {
            return Optional.of(at(where) + "integer out of range");
        }
        return expected(where, kind, found);
    }

    private static Optional<String> expected(String where, Kind expected, Kind found) {
        return Optional.of(at(where) + "expected " + expected + ", found " + found);
    }

    private static String at(String where) {
        return where.isEmpty() ? "" : where + ": ";
    }

    private static String child(String where, String key) {
        return where.isEmpty() ? key : where + "." + key;
    }
}
