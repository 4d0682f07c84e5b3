package dev.mxspec.generator.parse;

import dev.mxspec.generator.model.Diagnostic;
import dev.mxspec.generator.model.Example;
import dev.mxspec.generator.model.Field;
import dev.mxspec.generator.model.Operation.Body;
import dev.mxspec.generator.model.Operation.Response;
import dev.mxspec.generator.model.Operation.Security;
import dev.mxspec.generator.model.TypeRef;
import dev.mxspec.generator.names.Names;
import dev.mxspec.generator.parse.TypeRegistry.Context;
import dev.mxspec.generator.parse.YamlNode.YList;
import dev.mxspec.generator.parse.YamlNode.YMap;
import dev.mxspec.generator.parse.YamlNode.YScalar;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of an OpenAPI 3.x file that differ from Swagger 2.0, read into the same model:
 * {@code servers} (the base path), {@code components} reached through JSON-pointer {@code $ref}s,
 * parameters with a {@code schema}, {@code requestBody} and response {@code content} per media
 * type, and {@code examples} maps.
 */
final class OpenApiParts {

    static final Set<String> FILE_KEYS = Set.of("openapi", "info", "servers", "paths", "components", "tags",
            "externalDocs", "jsonSchemaDialect");
    static final Set<String> OPERATION_KEYS = Set.of("summary", "description", "operationId", "security", "parameters",
            "requestBody", "responses", "tags", "deprecated", "x-addedInMatrixVersion", "x-changedInMatrixVersion",
            "externalDocs");
    private static final Set<String> COMPONENT_KEYS = Set.of("schemas", "parameters", "responses", "headers",
            "securitySchemes", "examples", "requestBodies");
    private static final Set<String> PARAMETER_KEYS = Set.of("name", "in", "description", "required", "example",
            "examples", "schema", "deprecated", "x-addedInMatrixVersion", "x-changedInMatrixVersion", "style", "explode",
            "allowEmptyValue");
    private static final Set<String> BODY_KEYS = Set.of("content", "description", "required", "x-bodyName");
    private static final Set<String> RESPONSE_KEYS = Set.of("description", "content", "headers",
            "x-addedInMatrixVersion", "x-changedInMatrixVersion", "links");
    private static final Set<String> MEDIA_KEYS = Set.of("schema", "example", "examples");
    private static final Set<String> HEADER_KEYS = Set.of("description", "schema", "required", "example", "deprecated",
            "x-addedInMatrixVersion", "x-changedInMatrixVersion");
    /** What OpenAPI 3.1 lets a reference override beside {@code $ref}. */
    private static final Set<String> REF_SIBLINGS = Set.of("$ref", "description", "summary");
    private static final Pattern VARIABLE = Pattern.compile("\\{([^}]*)}");

    private final SpecFiles files;
    private final SchemaFlattener schemas;
    private final TypeRegistry types;
    private final ExampleReader examples;
    private final Consumer<Diagnostic> diagnostics;

    OpenApiParts(SpecFiles files, SchemaFlattener schemas, TypeRegistry types, ExampleReader examples,
            Consumer<Diagnostic> diagnostics) {
        this.files = files;
        this.schemas = schemas;
        this.types = types;
        this.examples = examples;
        this.diagnostics = diagnostics;
    }

    /** Checks the top-level keys and {@code components}; warns about what is not understood. */
    void checkDocument(YMap doc) {
        String version = doc.string("openapi").orElse("");
        if (!version.startsWith("3.")) {
            diagnostics.accept(Diagnostic.error(doc.get("openapi").map(YamlNode::source).orElse(doc.source()),
                    "expected 'openapi: 3.x', found '" + version + "'"));
        }
        unknownKeys(doc, FILE_KEYS, "top-level key");
        doc.map("components").ifPresent(c -> unknownKeys(c, COMPONENT_KEYS, "component kind"));
    }

    /**
     * The path every operation's path is relative to: the first server's URL with its variables
     * set to their defaults, without scheme and host ({@code /_matrix/client/v3}).
     */
    String basePath(YMap doc) {
        YList servers = doc.list("servers").orElse(null);
        if (servers == null || servers.items().isEmpty()) {
            diagnostics.accept(Diagnostic.warning(doc.source(), "no 'servers': paths are read as absolute"));
            return "";
        }
        List<String> paths = new ArrayList<>();
        for (YamlNode item : servers.items()) {
            if (item instanceof YMap server && server.string("url").isPresent()) {
                paths.add(serverPath(server));
            } else {
                diagnostics.accept(Diagnostic.error(item.source(), "a server should be a mapping with a 'url'"));
            }
        }
        if (paths.stream().distinct().count() > 1) {
            diagnostics.accept(Diagnostic.warning(servers.source(), "servers have different paths " + paths
                    + "; the first is used"));
        }
        return paths.isEmpty() ? "" : paths.getFirst();
    }

    private String serverPath(YMap server) {
        String url = server.string("url").orElse("");
        YMap variables = server.map("variables").orElse(new YMap(Map.of(), server.source()));
        Matcher m = VARIABLE.matcher(url);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = variables.map(m.group(1)).flatMap(v -> v.string("default")).orElseGet(() -> {
                diagnostics.accept(Diagnostic.error(server.source(), "server variable '" + m.group(1)
                        + "' has no default; the base path cannot be known"));
                return "";
            });
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        String resolved = out.toString();
        int scheme = resolved.indexOf("://");
        if (scheme >= 0) {
            int slash = resolved.indexOf('/', scheme + 3);
            resolved = slash < 0 ? "" : resolved.substring(slash);
        }
        return resolved.endsWith("/") ? resolved.substring(0, resolved.length() - 1) : resolved;
    }

    /** {@code components.securitySchemes}, each possibly a {@code $ref} into another file. */
    Map<String, Security> securitySchemes(YMap doc, Path file) {
        Map<String, Security> result = new TreeMap<>();
        doc.map("components").flatMap(c -> c.get("securitySchemes")).map(n -> deref(n, file))
                .filter(YMap.class::isInstance).map(YMap.class::cast).ifPresent(schemes -> schemes.entries().forEach((name, node) -> {
            YamlNode resolved = deref(node, file);
            if (resolved instanceof YMap s) {
                String type = s.string("type").orElse("");
                String in = type.equals("http") ? "header" : s.string("in").orElse("");
                String param = type.equals("http") ? "Authorization" : s.string("name").orElse("");
                result.put(name, new Security(name, in, param, s.string("description").orElse("").strip()));
            } else {
                diagnostics.accept(Diagnostic.error(node.source(), "security scheme '" + name + "' should be a mapping"));
            }
        }));
        return result;
    }

    /** The node itself, or what its {@code $ref} points to (followed until a node without one). */
    YamlNode deref(YamlNode node, Path file) {
        YamlNode current = node;
        Path from = file;
        for (int hops = 0; current instanceof YMap map && map.string("$ref").isPresent(); hops++) {
            if (hops > 16) {
                throw new SpecException(files.absolute(node.source()), node.source().line(), "$ref chain too long (a cycle?)");
            }
            if (!REF_SIBLINGS.containsAll(map.entries().keySet())) {
                diagnostics.accept(Diagnostic.warning(map.source(), "keys beside '$ref' " + map.entries().keySet()
                        + " are ignored here"));
            }
            SpecFiles.Target target = files.target(from, map.string("$ref").get(), map.source());
            current = target.node();
            from = target.file();
        }
        return current;
    }

    /**
     * A parameter: its type from {@code schema}, its description, version markers and
     * {@code example} from the parameter itself.
     */
    ParameterPart parameter(YamlNode node, Path file) {
        YamlNode resolved = deref(node, file);
        if (!(resolved instanceof YMap param)) {
            diagnostics.accept(Diagnostic.error(node.source(), "a parameter should be a mapping, found " + resolved.kind()));
            return null;
        }
        unknownKeys(param, PARAMETER_KEYS, "parameter key");
        RawSchema over = overlay(param);
        if (node instanceof YMap reference && reference.string("description").isPresent()) {
            over.description = reference.string("description").get();
        }
        RawSchema schema = param.get("schema")
                .map(s -> RawSchema.merge(schemas.flatten(s, files.absolute(s.source())), over))
                .orElseGet(() -> {
                    diagnostics.accept(Diagnostic.error(param.source(), "parameter without 'schema'; read as a string"));
                    over.types = List.of("string");
                    return over;
                });
        List<Example> found = new ArrayList<>(mediaExamples(param));
        String name = param.string("name").orElse("");
        boolean exploded = param.get("explode").filter(YScalar.class::isInstance).map(v -> !Boolean.FALSE.equals(((YScalar) v).value()))
                .orElse(true);
        if (param.string("in").orElse("").equals("query") && schema.isObjectLike() && schema.properties.isEmpty()
                && param.string("style").orElse("form").equals("form") && exploded) {
            // An object spread into query parameters of its own (style form, exploded): what Swagger 2.0
            // files wrote as a parameter named 'name...'; read the same way.
            name = name + "...";
            schema = schema.additionalProperties != null ? schema.additionalProperties : schema;
        }
        return new ParameterPart(param, name, schema, found);
    }

    /**
     * A parameter read from an OpenAPI 3 file: the mapping, its name in the model, its merged
     * schema and its own examples.
     */
    record ParameterPart(YMap param, String name, RawSchema schema, List<Example> examples) {}

    /** The {@code requestBody}; JSON media are typed by their schema, other media are bytes. */
    Optional<Body> body(YamlNode node, Path file, Context context, List<String> consumes) {
        YamlNode resolved = deref(node, file);
        if (!(resolved instanceof YMap body)) {
            diagnostics.accept(Diagnostic.error(node.source(), "'requestBody' should be a mapping, found " + resolved.kind()));
            return Optional.empty();
        }
        unknownKeys(body, BODY_KEYS, "request body key");
        boolean required = body.get("required").filter(YScalar.class::isInstance)
                .map(v -> Boolean.TRUE.equals(((YScalar) v).value())).orElse(false);
        String name = body.string("x-bodyName").orElse("body");
        YMap content = body.map("content").orElse(null);
        if (content == null || content.entries().isEmpty()) {
            diagnostics.accept(Diagnostic.error(body.source(), "request body without 'content'"));
            return Optional.empty();
        }
        consumes.addAll(content.entries().keySet());
        Media media = media(content, context.child("Request"), true);
        String description = body.string("description")
                .orElse(media.schema() == null || media.schema().description == null ? "" : media.schema().description).strip();
        return Optional.of(new Body(name, media.type(), required, description, media.examples()));
    }

    /** The responses of an operation, each possibly a {@code $ref} to {@code components/responses}. */
    List<Response> responses(YMap op, Path file, Context context, List<String> produces) {
        List<Response> result = new ArrayList<>();
        YMap responses = op.map("responses").orElse(null);
        if (responses == null) {
            diagnostics.accept(Diagnostic.error(op.source(), "operation without 'responses'"));
            return result;
        }
        for (Map.Entry<String, YamlNode> e : responses.entries().entrySet()) {
            String code = e.getKey();
            boolean range = code.matches("[1-5]xx|[1-5]XX");
            if (!range && !code.matches("[1-5][0-9][0-9]")) {
                diagnostics.accept(Diagnostic.error(e.getValue().source(), "response '" + code
                        + "' is not an HTTP status or range such as 4xx"));
                continue;
            }
            int status = range ? (code.charAt(0) - '0') * 100 : Integer.parseInt(code);
            YamlNode resolved = deref(e.getValue(), file);
            if (!(resolved instanceof YMap r)) {
                diagnostics.accept(Diagnostic.error(e.getValue().source(), "response " + code + " should be a mapping"));
                continue;
            }
            unknownKeys(r, RESPONSE_KEYS, "response key");
            Context here = context.child(Names.response(status));
            Optional<TypeRef> type = Optional.empty();
            List<Example> found = List.of();
            YMap content = r.map("content").orElse(null);
            if (content != null && !content.entries().isEmpty()) {
                content.entries().keySet().stream().filter(m -> !produces.contains(m)).forEach(produces::add);
                Media media = media(content, here, false);
                type = Optional.of(media.type());
                found = media.examples();
            }
            List<Field> headers = new ArrayList<>();
            r.map("headers").ifPresent(h -> h.entries().forEach((name, headerNode) -> {
                YamlNode header = deref(headerNode, file);
                if (header instanceof YMap hm) {
                    unknownKeys(hm, HEADER_KEYS, "header key");
                    RawSchema over = overlay(hm);
                    RawSchema schema = hm.get("schema").map(s -> RawSchema.merge(schemas.flatten(s, files.absolute(s.source())), over))
                            .orElse(over);
                    boolean required = hm.get("required").filter(YScalar.class::isInstance)
                            .map(v -> Boolean.TRUE.equals(((YScalar) v).value())).orElse(false);
                    headers.add(types.field(name, schema, required, here.child(name)));
                } else {
                    diagnostics.accept(Diagnostic.error(headerNode.source(), "header '" + name + "' should be a mapping"));
                }
            }));
            result.add(new Response(status, range, r.string("description").orElse("").strip(), type, headers, found));
        }
        result.sort(Comparator.comparingInt(Response::status).thenComparing(Response::range));
        return result;
    }

    private record Media(TypeRef type, RawSchema schema, List<Example> examples) {}

    /**
     * The body of one request or response: a JSON media type gives the type (and examples); any
     * other media type (octet-stream, images, multipart) is bytes.
     */
    private Media media(YMap content, Context context, boolean request) {
        YMap json = null;
        List<String> others = new ArrayList<>();
        for (Map.Entry<String, YamlNode> e : content.entries().entrySet()) {
            if (!(e.getValue() instanceof YMap m)) {
                diagnostics.accept(Diagnostic.error(e.getValue().source(), "media type '" + e.getKey() + "' should be a mapping"));
                continue;
            }
            unknownKeys(m, MEDIA_KEYS, "media type key");
            if (isJson(e.getKey())) {
                if (json != null) {
                    diagnostics.accept(Diagnostic.warning(m.source(), "a second JSON media type '" + e.getKey() + "'; the first is used"));
                } else {
                    json = m;
                }
            } else {
                others.add(e.getKey());
            }
        }
        if (json == null) {
            return new Media(new TypeRef.Binary(), null, List.of());
        }
        if (!others.isEmpty()) {
            diagnostics.accept(Diagnostic.warning(content.source(), "JSON beside other media types " + others
                    + "; the body is modelled as JSON"));
        }
        List<Example> found = new ArrayList<>(mediaExamples(json));
        YamlNode schemaNode = json.get("schema").orElse(null);
        if (schemaNode == null) {
            return new Media(new TypeRef.AnyJson(Optional.empty()), null, found);
        }
        RawSchema schema = schemas.flatten(schemaNode, files.absolute(schemaNode.source()));
        if (request && schema.example != null) {
            found.addFirst(examples.example(schema.example));
            types.taken(schema.example);
        }
        return new Media(types.type(schema, context), schema, found);
    }

    private static boolean isJson(String mediaType) {
        String base = mediaType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        return base.equals("application/json") || base.endsWith("+json");
    }

    /** {@code example} and the values of {@code examples} (each possibly a {@code $ref} to {@code components/examples}). */
    private List<Example> mediaExamples(YMap holder) {
        List<Example> found = new ArrayList<>();
        holder.get("example").ifPresent(x -> found.add(examples.example(x)));
        holder.map("examples").ifPresent(map -> map.entries().forEach((name, node) -> {
            YamlNode resolved = deref(node, files.absolute(node.source()));
            if (resolved instanceof YMap ex && ex.get("value").isPresent()) {
                found.add(examples.example(ex.get("value").get()));
            } else {
                diagnostics.accept(Diagnostic.warning(node.source(), "example '" + name + "' has no 'value'; not checked"));
            }
        }));
        return found;
    }

    /** What a parameter or header says about its value beside its {@code schema}. */
    private static RawSchema overlay(YMap holder) {
        RawSchema over = new RawSchema(holder.source());
        holder.string("description").ifPresent(d -> over.description = d);
        holder.string("x-addedInMatrixVersion").ifPresent(v -> over.addedIn = v);
        holder.get("x-changedInMatrixVersion").filter(YMap.class::isInstance)
                .ifPresent(v -> ((YMap) v).entries().forEach((version, text) -> over.changedIn.put(version, SchemaFlattener.text(text).strip())));
        over.deprecated = holder.get("deprecated").filter(YScalar.class::isInstance)
                .map(v -> Boolean.TRUE.equals(((YScalar) v).value())).orElse(false);
        return over;
    }

    private void unknownKeys(YMap map, Set<String> known, String what) {
        map.entries().forEach((key, value) -> {
            if (!known.contains(key) && !key.equals("$ref")) {
                diagnostics.accept(Diagnostic.warning(value.source(), what + " '" + key + "' is not understood; ignored"));
            }
        });
    }
}
