package dev.mxspec.runtime.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parsing of path, query, header and body values into typed request fields, with the Matrix error
 * for each way they can be wrong. Used by generated routers.
 */
public final class Params {

    private Params() {}

    /** A path parameter, checked against its {@link PathGrammar}. */
    public static String path(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null) {
            throw MatrixException.missingParam(name);
        }
        PathGrammar.check(name, value);
        return value;
    }

    /** A path parameter converted to {@code type}. */
    public static <T> T path(Map<String, String> params, String name, Class<T> type) {
        return convert(name, path(params, name), type);
    }

    public static <T> T requiredHeader(ServerRequest request, String name, Class<T> type) {
        return header(request, name, type).orElseThrow(() -> MatrixException.missingParam(name));
    }

    /** A query or header value converted to {@code type} (String, Long, Boolean, BigDecimal, or a generated enum). */
    public static <T> Optional<T> query(ServerRequest request, String name, Class<T> type) {
        return request.queryValue(name).map(v -> convert(name, v, type));
    }

    public static <T> T requiredQuery(ServerRequest request, String name, Class<T> type) {
        return query(request, name, type).orElseThrow(() -> MatrixException.missingParam(name));
    }

    /** All values of a repeated query parameter. */
    public static <T> List<T> queryList(ServerRequest request, String name, Class<T> type) {
        List<T> values = new ArrayList<>();
        for (String v : request.query().getOrDefault(name, List.of())) {
            values.add(convert(name, v, type));
        }
        return values;
    }

    /** Query parameters other than the named ones (the spec's {@code fields...}). */
    public static Map<String, String> otherQuery(ServerRequest request, Set<String> known) {
        Map<String, String> rest = new LinkedHashMap<>();
        request.query().forEach((k, v) -> {
            if (!known.contains(k) && !k.equals("access_token") && !v.isEmpty()) {
                rest.put(k, v.getFirst());
            }
        });
        return rest;
    }

    public static <T> Optional<T> header(ServerRequest request, String name, Class<T> type) {
        return request.header(name).map(v -> convert(name, v, type));
    }

    /**
     * The JSON body as {@code type}, read strictly ({@link StrictServerJson}) with no check of its
     * shape; {@code M_NOT_JSON} when it is not JSON, {@code M_BAD_JSON} when it does not fit.
     */
    public static <T> T body(ServerRequest request, JavaType type, boolean required) {
        return body(request, type, required, JsonShape.ANY);
    }

    /**
     * The JSON body as {@code type}, after checking it has {@code shape}: {@code M_NOT_JSON} when it
     * is not JSON, is empty or {@code null} though required, or is not an object where the shape
     * wants one; {@code M_BAD_JSON} when it is JSON of the wrong shape (a field of the wrong type, a
     * required field missing, {@code null} where the spec does not allow it). An empty optional body
     * is {@code null}.
     */
    public static <T> T body(ServerRequest request, JavaType type, boolean required, JsonShape shape) {
        if (request.body().length == 0) {
            if (required) {
                throw MatrixException.notJson("request body is empty; expected JSON");
            }
            return null;
        }
        JsonNode tree;
        try {
            tree = StrictServerJson.mapper().readTree(request.body());
        } catch (java.io.IOException e) {
            throw MatrixException.notJson("request body is not JSON");
        }
        if (tree == null || tree.isMissingNode()) {
            throw MatrixException.notJson("request body is not JSON");
        }
        if (wantsObject(shape) && !tree.isObject()) {
            throw MatrixException.notJson("request body must be a JSON object, found " + JsonShape.Kind.of(tree));
        }
        shape.problem(tree, "").ifPresent(why -> {
            throw MatrixException.badJson(why);
        });
        try {
            return StrictServerJson.mapper().convertValue(tree, type);
        } catch (IllegalArgumentException e) {
            throw MatrixException.badJson(reason(e));
        }
    }

    public static <T> T body(ServerRequest request, Class<T> type, boolean required) {
        return body(request, MatrixJson.mapper().constructType(type), required);
    }

    private static boolean wantsObject(JsonShape shape) {
        return switch (shape) {
            case JsonShape.ObjectOf o -> true;
            case JsonShape.MapOf m -> true;
            case JsonShape.AnyJson a -> a.kind().equals(Optional.of(JsonShape.Kind.OBJECT));
            case JsonShape.Ref r -> wantsObject(r.target());
            default -> false;
        };
    }

    /**
     * How well a request fits one of several operations sharing a method and path: -1 when a
     * required query parameter or top-level body field is missing, otherwise the number of its own
     * (not shared) query parameters and body fields present.
     */
    public static int score(ServerRequest request, Set<String> requiredQuery, Set<String> ownQuery,
            Set<String> requiredBody, Set<String> ownBody) {
        for (String q : requiredQuery) {
            if (request.queryValue(q).isEmpty()) {
                return -1;
            }
        }
        int score = (int) ownQuery.stream().filter(q -> request.queryValue(q).isPresent()).count();
        if (requiredBody.isEmpty() && ownBody.isEmpty()) {
            return score;
        }
        JsonNode body;
        try {
            body = request.body().length == 0 ? null : MatrixJson.mapper().readTree(request.body());
        } catch (java.io.IOException e) {
            return score;
        }
        if (body == null || !body.isObject()) {
            return requiredBody.isEmpty() ? score : -1;
        }
        for (String f : requiredBody) {
            if (!body.has(f)) {
                return -1;
            }
        }
        return score + (int) ownBody.stream().filter(body::has).count();
    }

    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ValueInstantiationException vie && vie.getCause() != null) {
                return vie.getCause().getMessage();
            }
            if (t instanceof JsonProcessingException jpe) {
                return jpe.getOriginalMessage();
            }
        }
        return "request body does not fit the expected type";
    }

    @SuppressWarnings("unchecked")
    private static <T> T convert(String name, String value, Class<T> type) {
        try {
            if (type == String.class) {
                return (T) value;
            }
            if (type == Long.class) {
                if (!value.matches("-?[0-9]{1,19}")) {
                    throw new NumberFormatException(value);
                }
                return (T) Long.valueOf(value);
            }
            if (type == Boolean.class) {
                if (!value.equals("true") && !value.equals("false")) {
                    throw MatrixException.invalidParam(name, "expected true or false, found '" + value + "'");
                }
                return (T) Boolean.valueOf(value);
            }
            if (type == java.math.BigDecimal.class) {
                if (!value.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]{1,4})?")) {
                    throw new NumberFormatException(value);
                }
                return (T) new java.math.BigDecimal(value);
            }
            T converted = MatrixJson.mapper().convertValue(value, type);
            List<?> known = KnownValues.of(type);
            if (known != null && !known.contains(converted)) {
                throw MatrixException.invalidParam(name, "unknown value '" + value + "'; expected one of " + known);
            }
            return converted;
        } catch (NumberFormatException e) {
            throw MatrixException.invalidParam(name, "expected a number, found '" + value + "'");
        } catch (IllegalArgumentException e) {
            throw MatrixException.invalidParam(name, "unexpected value '" + value + "'");
        }
    }
}
