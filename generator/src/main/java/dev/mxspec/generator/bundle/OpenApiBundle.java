package dev.mxspec.generator.bundle;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.generator.model.Api;
import dev.mxspec.generator.model.ApiKind;
import dev.mxspec.generator.model.Field;
import dev.mxspec.generator.model.NamedType;
import dev.mxspec.generator.model.Operation;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.model.TypeRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One self-contained OpenAPI 3.1 document per API of a release, written from the model (not copied
 * from the spec files): every operation with its full path, parameters, body and responses, and
 * every named type it reaches under {@code components/schemas}. Tools of other languages then see
 * the spec as mxspec reads it.
 */
public final class OpenApiBundle {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private OpenApiBundle() {}

    /** Writes {@code <api>.json} for each API of the release into {@code dir}; returns the files. */
    public static List<Path> write(SpecRelease release, Path dir) {
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (Api api : release.apis()) {
                Path file = dir.resolve(api.kind().folder() + ".json");
                Files.writeString(file, JSON.writeValueAsString(document(release, api.kind())) + "\n");
                written.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written;
    }

    /** The OpenAPI 3.1 document of one API. */
    public static ObjectNode document(SpecRelease release, ApiKind kind) {
        Api api = release.apis().stream().filter(a -> a.kind() == kind).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("release " + release.version() + " has no " + kind.folder() + " API"));
        ObjectNode doc = NODES.objectNode();
        doc.put("openapi", "3.1.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Matrix " + kind.folder() + " API");
        info.put("version", release.version());
        info.put("description", "The Matrix specification " + release.version() + ", " + kind.folder()
                + " API, as read by mxspec: one self-contained document.");
        doc.putArray("servers").addObject().put("url", "/");
        Schemas schemas = new Schemas(release);
        Map<String, ObjectNode> securitySchemes = new TreeMap<>();
        ObjectNode paths = doc.putObject("paths");
        TreeSet<String> tags = new TreeSet<>();
        for (Operation op : api.operations()) {
            ObjectNode item = paths.has(op.path()) ? (ObjectNode) paths.get(op.path()) : paths.putObject(op.path());
            String method = op.method().toLowerCase(Locale.ROOT);
            ObjectNode operation = operation(op, schemas, securitySchemes);
            if (item.has(method)) {
                merge((ObjectNode) item.get(method), operation);
            } else {
                item.set(method, operation);
            }
            tags.addAll(op.tags());
        }
        if (!tags.isEmpty()) {
            ArrayNode tagList = doc.putArray("tags");
            tags.forEach(t -> tagList.addObject().put("name", t));
        }
        ObjectNode components = doc.putObject("components");
        components.set("schemas", schemas.components());
        if (!securitySchemes.isEmpty()) {
            ObjectNode schemes = components.putObject("securitySchemes");
            securitySchemes.forEach(schemes::set);
        }
        return doc;
    }

    private static ObjectNode operation(Operation op, Schemas schemas, Map<String, ObjectNode> securitySchemes) {
        ObjectNode o = NODES.objectNode();
        o.put("operationId", op.operationId());
        if (!op.summary().isEmpty()) {
            o.put("summary", op.summary());
        }
        if (!op.description().isEmpty()) {
            o.put("description", op.description());
        }
        if (!op.tags().isEmpty()) {
            ArrayNode tags = o.putArray("tags");
            op.tags().forEach(tags::add);
        }
        if (op.versions().deprecated()) {
            o.put("deprecated", true);
        }
        op.versions().addedIn().ifPresent(v -> o.put("x-addedInMatrixVersion", v));
        ArrayNode params = NODES.arrayNode();
        op.pathParams().forEach(f -> params.add(parameter(f, "path", schemas)));
        op.queryParams().forEach(f -> params.add(parameter(f, "query", schemas)));
        op.headerParams().forEach(f -> params.add(parameter(f, "header", schemas)));
        if (!params.isEmpty()) {
            o.set("parameters", params);
        }
        op.body().ifPresent(b -> {
            ObjectNode body = o.putObject("requestBody");
            if (!b.description().isEmpty()) {
                body.put("description", b.description());
            }
            body.put("required", b.required());
            if (op.binaryBody()) {
                String media = op.consumes().stream().filter(m -> !m.equals("application/json")).findFirst().orElse("application/octet-stream");
                body.putObject("content").putObject(media).putObject("schema").put("type", "string").put("contentMediaType", media);
            } else {
                body.putObject("content").putObject("application/json").set("schema", schemas.of(b.type()));
            }
        });
        ObjectNode responses = o.putObject("responses");
        for (Operation.Response r : op.responses()) {
            ObjectNode response = responses.putObject(r.range() ? (r.status() / 100) + "XX" : Integer.toString(r.status()));
            response.put("description", r.description().isEmpty() ? "HTTP " + r.code() : r.description());
            r.type().ifPresent(t -> {
                if (t instanceof TypeRef.Binary) {
                    response.putObject("content").putObject("application/octet-stream").putObject("schema")
                            .put("type", "string").put("contentMediaType", "application/octet-stream");
                } else {
                    response.putObject("content").putObject("application/json").set("schema", schemas.of(t));
                }
            });
            if (!r.headers().isEmpty()) {
                ObjectNode headers = response.putObject("headers");
                r.headers().forEach(h -> {
                    ObjectNode header = headers.putObject(h.name());
                    if (!h.description().isEmpty()) {
                        header.put("description", h.description());
                    }
                    header.set("schema", schemas.of(h.type()));
                });
            }
        }
        if (op.responses().isEmpty()) {
            responses.putObject("default").put("description", "not documented");
        }
        op.security().ifPresent(s -> {
            securitySchemes.computeIfAbsent(s.scheme(), k -> securityScheme(s));
            o.putArray("security").addObject().putArray(s.scheme());
        });
        return o;
    }

    /** Two operations the spec documents on the same method and path (in two files): one operation taking either body. */
    private static void merge(ObjectNode into, ObjectNode other) {
        if (into.has("requestBody") && other.has("requestBody")) {
            ObjectNode a = (ObjectNode) into.get("requestBody").path("content").path("application/json").path("schema");
            ObjectNode b = (ObjectNode) other.get("requestBody").path("content").path("application/json").path("schema");
            if (!a.isMissingNode() && !b.isMissingNode()) {
                ObjectNode either = NODES.objectNode();
                either.putArray("oneOf").add(a.deepCopy()).add(b.deepCopy());
                ((ObjectNode) into.get("requestBody").get("content").get("application/json")).set("schema", either);
            }
        }
        ObjectNode responses = (ObjectNode) into.get("responses");
        other.get("responses").properties().forEach(e -> {
            if (!responses.has(e.getKey())) {
                responses.set(e.getKey(), e.getValue());
            }
        });
        into.put("x-alsoOperationId", other.get("operationId").asText());
    }

    private static ObjectNode parameter(Field f, String in, Schemas schemas) {
        ObjectNode p = NODES.objectNode();
        boolean freeForm = f.name().endsWith("...");
        p.put("name", freeForm ? f.name().substring(0, f.name().length() - 3) : f.name());
        p.put("in", in);
        if (!f.description().isEmpty()) {
            p.put("description", f.description());
        }
        p.put("required", in.equals("path") || f.required());
        if (f.versions().deprecated()) {
            p.put("deprecated", true);
        }
        if (freeForm) {
            p.put("style", "form");
            p.put("explode", true);
        }
        p.set("schema", schemas.of(f.type()));
        return p;
    }

    private static ObjectNode securityScheme(Operation.Security s) {
        ObjectNode scheme = NODES.objectNode();
        boolean bearer = s.in().equals("header") && s.name().equals("Authorization") && s.scheme().toLowerCase(Locale.ROOT).contains("bearer");
        if (bearer) {
            scheme.put("type", "http").put("scheme", "bearer");
        } else {
            scheme.put("type", "apiKey");
            scheme.put("in", s.in().equals("query") ? "query" : "header");
            scheme.put("name", s.name().isEmpty() ? "Authorization" : s.name());
        }
        if (!s.description().isEmpty()) {
            scheme.put("description", s.description());
        }
        return scheme;
    }

    /** JSON Schemas of model types; named types go to {@code components/schemas}, each once. */
    private static final class Schemas {
        private final SpecRelease release;
        private final Map<String, ObjectNode> components = new TreeMap<>();
        private final Deque<String> pending = new ArrayDeque<>();

        Schemas(SpecRelease release) {
            this.release = release;
        }

        ObjectNode of(TypeRef type) {
            ObjectNode s = NODES.objectNode();
            switch (type) {
                case TypeRef.Primitive p -> {
                    s.put("type", p.kind().name().toLowerCase(Locale.ROOT));
                    p.format().ifPresent(f -> s.put("format", f));
                }
                case TypeRef.Literal l -> s.put("type", "string").put("const", l.value());
                case TypeRef.ArrayOf a -> s.put("type", "array").set("items", of(a.items()));
                case TypeRef.Tuple t -> {
                    s.put("type", "array");
                    ArrayNode items = s.putArray("prefixItems");
                    t.items().forEach(i -> items.add(of(i)));
                    s.put("minItems", t.items().size()).put("maxItems", t.items().size());
                }
                case TypeRef.MapOf m -> {
                    s.put("type", "object");
                    if (m.keyPattern().isPresent()) {
                        s.putObject("patternProperties").set(m.keyPattern().get(), of(m.values()));
                    } else {
                        s.set("additionalProperties", of(m.values()));
                    }
                }
                case TypeRef.Named n -> {
                    s.put("$ref", "#/components/schemas/" + n.name());
                    if (!components.containsKey(n.name()) && !pending.contains(n.name())) {
                        pending.add(n.name());
                    }
                }
                case TypeRef.Nullable n -> s.putArray("oneOf").add(of(n.type())).addObject().put("type", "null");
                case TypeRef.AnyJson j -> j.jsonType().ifPresent(t -> s.put("type", t));
                case TypeRef.Binary b -> s.put("type", "string").put("contentMediaType", "application/octet-stream");
            }
            return s;
        }

        ObjectNode components() {
            while (!pending.isEmpty()) {
                String name = pending.poll();
                if (components.containsKey(name)) {
                    continue;
                }
                components.put(name, NODES.objectNode()); // placeholder: recursive types refer to it
                components.put(name, named(release.types().get(name)));
            }
            ObjectNode all = NODES.objectNode();
            components.forEach(all::set);
            return all;
        }

        private ObjectNode named(NamedType type) {
            ObjectNode s = NODES.objectNode();
            switch (type) {
                case NamedType.EnumType e -> {
                    s.put("type", "string");
                    if (!e.description().isEmpty()) {
                        s.put("description", e.description());
                    }
                    ArrayNode values = s.putArray("enum");
                    e.values().forEach(values::add);
                }
                case NamedType.UnionType u -> {
                    if (!u.description().isEmpty()) {
                        s.put("description", u.description());
                    }
                    ArrayNode options = s.putArray("oneOf");
                    u.options().forEach(x -> options.add(of(x)));
                }
                case NamedType.ObjectType o -> {
                    s.put("type", "object");
                    o.title().ifPresent(t -> s.put("title", t));
                    if (!o.description().isEmpty()) {
                        s.put("description", o.description());
                    }
                    if (!o.fields().isEmpty()) {
                        ObjectNode properties = s.putObject("properties");
                        ArrayNode required = NODES.arrayNode();
                        for (Field f : o.fields()) {
                            ObjectNode property = of(f.type());
                            if (!f.description().isEmpty() && !property.has("$ref")) {
                                property.put("description", f.description());
                            }
                            if (f.versions().deprecated()) {
                                property.put("deprecated", true);
                            }
                            properties.set(f.name(), property);
                            if (f.required()) {
                                required.add(f.name());
                            }
                        }
                        if (!required.isEmpty()) {
                            s.set("required", required);
                        }
                    }
                    o.additionalProperties().ifPresent(a -> s.set("additionalProperties", of(a)));
                }
            }
            return s;
        }
    }
}
