package dev.mxspec.homeserver.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.api.Endpoint;
import dev.mxspec.runtime.server.JsonShape;
import dev.mxspec.spec.v1_7.clientserver.server.ClientServerBodyShapes;
import dev.mxspec.spec.v1_7.clientserver.server.ClientServerRouter;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The v1.7 Client-Server operations as the generated code describes them: each {@code ENDPOINT}
 * constant (from the router's list), its request record (the Java type of each query parameter and
 * whether the body is required) and its body's {@link JsonShape}.
 */
public final class Operations {

    private static final String ENDPOINTS_PACKAGE = "dev.mxspec.spec.v1_7.clientserver.endpoints.";

    /** One operation. */
    record Op(Endpoint endpoint, Map<String, Class<?>> queryTypes, Map<String, Class<?>> pathTypes, Optional<JsonShape> body,
            boolean bodyRequired) {

        String name() {
            return endpoint.name();
        }
    }

    private Operations() {}

    static List<Op> clientServer() {
        List<Op> ops = new ArrayList<>();
        for (Endpoint e : ClientServerRouter.ENDPOINTS) {
            Class<?> request = requestRecord(e);
            Map<String, Class<?>> query = new java.util.LinkedHashMap<>();
            Map<String, Class<?>> path = new java.util.LinkedHashMap<>();
            boolean bodyRequired = false;
            for (RecordComponent c : request.getRecordComponents()) {
                for (String q : e.queryParams()) {
                    if (squash(q).equals(squash(c.getName()))) {
                        query.put(q, valueClass(c.getGenericType()));
                    }
                }
                for (String p : e.pathParams()) {
                    if (squash(p).equals(squash(c.getName()))) {
                        path.put(p, valueClass(c.getGenericType()));
                    }
                }
                if (c.getName().equals("body")) {
                    bodyRequired = c.getType() != Optional.class;
                }
            }
            ops.add(new Op(e, query, path, Optional.ofNullable(ClientServerBodyShapes.BY_OPERATION.get(e.name())), bodyRequired));
        }
        return ops;
    }

    /** The request record of an operation: the endpoint class whose name is the operation ID, however it was cased. */
    static Class<?> requestRecord(Endpoint e) {
        String simple = ENDPOINT_CLASSES.get(squash(e.name()));
        if (simple == null) {
            throw new IllegalStateException("no endpoint class for " + e.name());
        }
        try {
            return Class.forName(ENDPOINTS_PACKAGE + simple + "$Request");
        } catch (ClassNotFoundException ex) {
            throw new IllegalStateException("no request record for " + e.name(), ex);
        }
    }

    private static final Map<String, String> ENDPOINT_CLASSES = endpointClasses();

    /** The endpoint classes by squashed name, found on the class path (a folder or a jar). */
    private static Map<String, String> endpointClasses() {
        Map<String, String> classes = new java.util.HashMap<>();
        String folder = ENDPOINTS_PACKAGE.replace('.', '/');
        try {
            java.net.URL url = Operations.class.getClassLoader().getResource(folder);
            if (url == null) {
                throw new IllegalStateException("no " + folder + " on the class path");
            }
            List<String> names = new ArrayList<>();
            if (url.getProtocol().equals("jar")) {
                String jar = url.getPath().substring("file:".length(), url.getPath().indexOf('!'));
                try (java.util.jar.JarFile file = new java.util.jar.JarFile(java.net.URLDecoder.decode(jar, java.nio.charset.StandardCharsets.UTF_8))) {
                    file.stream().map(java.util.jar.JarEntry::getName).filter(n -> n.startsWith(folder)).map(n -> n.substring(folder.length()))
                            .forEach(names::add);
                }
            } else {
                try (var files = java.nio.file.Files.list(java.nio.file.Path.of(url.toURI()))) {
                    files.map(f -> f.getFileName().toString()).forEach(names::add);
                }
            }
            for (String n : names) {
                if (n.endsWith(".class") && !n.contains("$") && !n.contains("/")) {
                    String simple = n.substring(0, n.length() - ".class".length());
                    classes.put(squash(simple), simple);
                }
            }
        } catch (java.io.IOException | java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return classes;
    }

    /** An operation ID as the generated class names it: {@code logout_all} to {@code LogoutAll}. */
    static String pascal(String operationId) {
        StringBuilder out = new StringBuilder();
        for (String part : operationId.split("[^A-Za-z0-9]+")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }

    private static String squash(String name) {
        return name.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    }

    /** {@code Optional<Long>} and {@code List<Long>} to {@code Long}. */
    private static Class<?> valueClass(Type type) {
        if (type instanceof ParameterizedType p) {
            Type arg = p.getActualTypeArguments()[p.getActualTypeArguments().length - 1];
            return valueClass(arg);
        }
        return type instanceof Class<?> c ? c : Object.class;
    }

    /** The known values of a generated open enum, empty for other types. */
    static List<String> knownValues(Class<?> type) {
        try {
            Method known = type.getMethod("known");
            List<String> values = new ArrayList<>();
            for (Object v : (List<?>) known.invoke(null)) {
                values.add(v.toString());
            }
            return values;
        } catch (ReflectiveOperationException e) {
            return List.of();
        }
    }

    static JsonShape resolve(JsonShape shape) {
        return shape instanceof JsonShape.Ref r ? resolve(r.target()) : shape;
    }

    /** The smallest JSON value of a shape: required fields only. */
    public static JsonNode sample(JsonShape shape) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (resolve(shape)) {
            case JsonShape.AnyJson a -> a.kind().isEmpty() ? f.objectNode() : switch (a.kind().get()) {
                case STRING -> f.textNode("s");
                case INTEGER -> f.numberNode(1);
                case NUMBER -> f.numberNode(1.5);
                case BOOLEAN -> f.booleanNode(true);
                case ARRAY -> f.arrayNode();
                case NULL -> f.nullNode();
                case OBJECT -> f.objectNode();
            };
            case JsonShape.Scalar s -> sample(new JsonShape.AnyJson(Optional.of(s.kind())));
            case JsonShape.Literal l -> f.textNode(l.value());
            case JsonShape.ArrayOf a -> f.arrayNode();
            case JsonShape.MapOf m -> f.objectNode();
            case JsonShape.Nullable n -> sample(n.shape());
            case JsonShape.OneOf o -> sample(o.options().getFirst());
            case JsonShape.ObjectOf o -> {
                ObjectNode object = f.objectNode();
                o.fields().forEach((name, field) -> {
                    if (field.required()) {
                        object.set(name, sample(field.shape()));
                    }
                });
                yield object;
            }
            case JsonShape.Ref r -> sample(r.target());
        };
    }

    /** Whether a body of this shape must be a JSON object (anything else is {@code M_NOT_JSON}). */
    static boolean wantsObject(JsonShape shape) {
        return switch (resolve(shape)) {
            case JsonShape.ObjectOf o -> true;
            case JsonShape.MapOf m -> true;
            case JsonShape.AnyJson a -> a.kind().equals(Optional.of(JsonShape.Kind.OBJECT));
            default -> false;
        };
    }
}
