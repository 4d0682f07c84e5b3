package dev.mxspec.generator.parse;

import dev.mxspec.generator.names.Names;
import dev.mxspec.generator.model.Api;
import dev.mxspec.generator.model.ApiKind;
import dev.mxspec.generator.model.Diagnostic;
import dev.mxspec.generator.model.EndpointGroup;
import dev.mxspec.generator.model.Example;
import dev.mxspec.generator.model.Field;
import dev.mxspec.generator.model.Operation;
import dev.mxspec.generator.model.Operation.Body;
import dev.mxspec.generator.model.Operation.Response;
import dev.mxspec.generator.model.Operation.Security;
import dev.mxspec.generator.model.TypeRef;
import dev.mxspec.generator.model.VersionInfo;
import dev.mxspec.generator.parse.TypeRegistry.Context;
import dev.mxspec.generator.parse.YamlNode.YList;
import dev.mxspec.generator.parse.YamlNode.YMap;
import dev.mxspec.generator.parse.YamlNode.YScalar;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/** Reads the Swagger 2.0 files of one API folder into endpoint groups. */
final class ApiReader {

    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "patch", "head", "options");
    private static final Set<String> FILE_KEYS = Set.of(
            "swagger", "info", "host", "schemes", "basePath", "consumes", "produces", "securityDefinitions", "paths",
            "security", "tags", "definitions");
    /** Path item keys of OpenAPI 3 that describe all its operations. */
    private static final Set<String> PATH_ITEM_TEXT = Set.of("summary", "description");
    private static final Set<String> OPERATION_KEYS = Set.of(
            "summary", "description", "operationId", "security", "parameters", "responses", "tags", "deprecated",
            "x-addedInMatrixVersion", "x-changedInMatrixVersion", "consumes", "produces");
    /** Parameter keys that are about the parameter, not its value's schema. */
    private static final Set<String> PARAMETER_KEYS = Set.of("name", "in", "required", "x-example", "collectionFormat",
            "allowEmptyValue", "schema");

    private final SpecFiles files;
    private final SchemaFlattener schemas;
    private final TypeRegistry types;
    private final ExampleReader examples;
    private final Consumer<Diagnostic> diagnostics;
    private final OpenApiParts openApi;
    /** Security schemes declared anywhere in the API being read, for files that use one without declaring it. */
    private final Map<String, Security> apiSecurity = new TreeMap<>();

    ApiReader(SpecFiles files, SchemaFlattener schemas, TypeRegistry types, ExampleReader examples, Consumer<Diagnostic> diagnostics) {
        this.files = files;
        this.schemas = schemas;
        this.types = types;
        this.examples = examples;
        this.diagnostics = diagnostics;
        this.openApi = new OpenApiParts(files, schemas, types, examples, diagnostics);
    }

    Api read(ApiKind kind, List<Path> yamlFiles) {
        List<EndpointGroup> groups = new ArrayList<>();
        apiSecurity.clear();
        for (Path file : yamlFiles) {
            if (files.load(file) instanceof YMap doc) {
                Map<String, Security> declared = doc.has("openapi") ? openApi.securitySchemes(doc, file) : securityDefinitions(doc, file);
                declared.forEach(apiSecurity::putIfAbsent);
            }
        }
        for (Path file : yamlFiles) {
            groups.add(group(file));
        }
        groups.sort(Comparator.comparing(EndpointGroup::name));
        return new Api(kind, groups);
    }

    private EndpointGroup group(Path file) {
        YamlNode root = files.load(file);
        String name = stem(file);
        if (!(root instanceof YMap doc)) {
            throw new SpecException(file, root.source().line(), "expected an OpenAPI 3 or Swagger 2.0 document (a mapping), found "
                    + root.kind());
        }
        boolean openApi3 = doc.has("openapi");
        String basePath;
        Map<String, Security> security;
        if (openApi3) {
            openApi.checkDocument(doc);
            basePath = openApi.basePath(doc);
            security = openApi.securitySchemes(doc, file);
        } else {
            if (!doc.string("swagger").map("2.0"::equals).orElse(false)) {
                diagnostics.accept(Diagnostic.error(doc.source(), "expected 'swagger: \"2.0\"' or 'openapi: 3.x'"));
            }
            doc.entries().forEach((key, value) -> {
                if (!FILE_KEYS.contains(key)) {
                    diagnostics.accept(Diagnostic.warning(value.source(), "top-level key '" + key + "' is not understood; ignored"));
                }
            });
            basePath = doc.string("basePath").orElse("");
            security = securityDefinitions(doc, file);
        }
        List<Operation> operations = new ArrayList<>();
        YMap paths = doc.map("paths").orElse(null);
        if (paths == null) {
            diagnostics.accept(Diagnostic.error(doc.source(), "no 'paths' mapping"));
        } else {
            for (Map.Entry<String, YamlNode> p : paths.entries().entrySet()) {
                if (!(p.getValue() instanceof YMap methods)) {
                    diagnostics.accept(Diagnostic.error(p.getValue().source(), "path '" + p.getKey() + "' should map methods to operations"));
                    continue;
                }
                List<YamlNode> shared = methods.list("parameters").map(YList::items).orElse(List.of());
                String path = p.getKey().strip();
                if (!path.equals(p.getKey())) {
                    // The spec pads a path with a space to document a second operation on the same
                    // path in another file (POST /rooms/{roomId}/invite for users and for 3PIDs).
                    diagnostics.accept(Diagnostic.warning(p.getValue().source(), "path '" + p.getKey()
                            + "' has surrounding whitespace; read as '" + path + "'"));
                }
                for (Map.Entry<String, YamlNode> m : methods.entries().entrySet()) {
                    if (m.getKey().equals("parameters") || (openApi3 && PATH_ITEM_TEXT.contains(m.getKey()))) {
                        continue;
                    }
                    if (!METHODS.contains(m.getKey()) || !(m.getValue() instanceof YMap op)) {
                        diagnostics.accept(Diagnostic.error(m.getValue().source(), "'" + m.getKey() + "' is not an HTTP method with an operation"));
                        continue;
                    }
                    String method = m.getKey().toUpperCase(Locale.ROOT);
                    operations.add(openApi3
                            ? operation3(method, basePath + path, op, shared, security, file)
                            : operation(method, basePath + path, op, shared, security,
                                    mediaTypes(doc, op, "consumes"), mediaTypes(doc, op, "produces")));
                }
            }
        }
        operations.sort(Comparator.comparing(Operation::path).thenComparing(o -> METHODS.indexOf(o.method().toLowerCase(Locale.ROOT))));
        String title = doc.map("info").flatMap(i -> i.string("title")).orElse(name);
        return new EndpointGroup(name, title, operations);
    }

    private Map<String, Security> securityDefinitions(YMap doc, Path file) {
        YamlNode defs = doc.get("securityDefinitions").orElse(null);
        if (defs instanceof YMap map && map.string("$ref").isPresent()) {
            defs = files.target(file, map.string("$ref").get(), map.source()).node();
        }
        return defs == null ? new TreeMap<>() : securitySchemes(defs);
    }

    private static Map<String, Security> securitySchemes(YamlNode defs) {
        Map<String, Security> result = new TreeMap<>();
        if (defs instanceof YMap map) {
            map.entries().forEach((scheme, node) -> {
                if (node instanceof YMap s) {
                    result.put(scheme, new Security(scheme, s.string("in").orElse(""), s.string("name").orElse(""),
                            s.string("description").orElse("").strip()));
                }
            });
        }
        return result;
    }

    private static List<String> mediaTypes(YMap doc, YMap op, String key) {
        YList list = op.list(key).or(() -> doc.list(key)).orElse(null);
        return list == null ? List.of() : list.items().stream().map(SchemaFlattener::text).toList();
    }

    private Operation operation(String method, String path, YMap op, List<YamlNode> shared, Map<String, Security> security,
            List<String> consumes, List<String> produces) {
        unknownKeys(op, OPERATION_KEYS);
        Context context = Context.of(Names.pascal(operationId(method, path, op)));
        Parameters params = new Parameters();
        Body body = null;
        List<YamlNode> parameters = new ArrayList<>(shared);
        op.list("parameters").ifPresent(l -> parameters.addAll(l.items()));
        for (YamlNode node : parameters) {
            if (!(node instanceof YMap param)) {
                diagnostics.accept(Diagnostic.error(node.source(), "a parameter should be a mapping, found " + node.kind()));
                continue;
            }
            if (param.string("in").orElse("").strip().equals("body")) {
                body = body(param, context);
            } else {
                Map<String, YamlNode> schemaPart = new LinkedHashMap<>(param.entries());
                PARAMETER_KEYS.forEach(schemaPart::remove);
                RawSchema schema = schemas.flatten(new YMap(schemaPart, param.source()), files.absolute(param.source()));
                List<Example> found = new ArrayList<>();
                param.get("x-example").ifPresent(x -> found.add(examples.example(x)));
                params.add(param, param.string("name").orElse(""), schema, found, context);
            }
        }
        return assemble(method, path, op, params, Optional.ofNullable(body), responses(op, context), security, consumes, produces);
    }

    /** An operation of an OpenAPI 3 file. */
    private Operation operation3(String method, String path, YMap op, List<YamlNode> shared, Map<String, Security> security, Path file) {
        unknownKeys(op, OpenApiParts.OPERATION_KEYS);
        Context context = Context.of(Names.pascal(operationId(method, path, op)));
        Parameters params = new Parameters();
        List<YamlNode> parameters = new ArrayList<>(shared);
        op.list("parameters").ifPresent(l -> parameters.addAll(l.items()));
        for (YamlNode node : parameters) {
            OpenApiParts.ParameterPart part = openApi.parameter(node, file);
            if (part != null) {
                params.add(part.param(), part.name(), part.schema(), part.examples(), context);
            }
        }
        List<String> consumes = new ArrayList<>();
        List<String> produces = new ArrayList<>();
        Optional<Body> body = op.get("requestBody").flatMap(b -> openApi.body(b, file, context, consumes));
        List<Response> responses = openApi.responses(op, file, context, produces);
        return assemble(method, path, op, params, body, responses, security, consumes, produces);
    }

    /** Path, query and header parameters, in the order written. */
    private final class Parameters {
        final List<Field> path = new ArrayList<>();
        final List<Field> query = new ArrayList<>();
        final List<Field> header = new ArrayList<>();

        void add(YMap param, String name, RawSchema schema, List<Example> found, Context context) {
            String in = param.string("in").orElse("").strip();
            List<Field> target = switch (in) {
                case "path" -> path;
                case "query" -> query;
                case "header" -> header;
                default -> null;
            };
            if (target == null) {
                diagnostics.accept(Diagnostic.error(param.source(), "parameter '" + name + "' is in '" + in
                        + "'; expected path, query, header or body"));
                return;
            }
            target.add(parameter(param, name, schema, found, context));
        }
    }

    private String operationId(String method, String path, YMap op) {
        return op.string("operationId").orElseGet(() -> {
            diagnostics.accept(Diagnostic.error(op.source(), "operation " + method + " " + path + " has no operationId"));
            return Names.pascal(method.toLowerCase(Locale.ROOT) + " " + path);
        });
    }

    private void unknownKeys(YMap op, Set<String> known) {
        op.entries().forEach((key, value) -> {
            if (!known.contains(key)) {
                diagnostics.accept(Diagnostic.warning(value.source(), "operation key '" + key + "' is not understood; ignored"));
            }
        });
    }

    private Operation assemble(String method, String path, YMap op, Parameters params, Optional<Body> body,
            List<Response> responses, Map<String, Security> security, List<String> consumes, List<String> produces) {
        String operationId = op.string("operationId").orElseGet(() -> Names.pascal(method.toLowerCase(Locale.ROOT) + " " + path));
        List<Field> pathParams = params.path;
        checkPathParameters(path, pathParams, op);
        pathParams.sort(Comparator.comparingInt(f -> path.indexOf("{" + f.name() + "}")));
        Optional<Security> auth = security(op, security);
        VersionInfo versions = new VersionInfo(
                op.string("x-addedInMatrixVersion"),
                op.get("x-changedInMatrixVersion").map(v -> SchemaFlattener.changedIn(v, diagnostics)).map(TreeMap::new).orElseGet(TreeMap::new),
                op.get("deprecated").filter(YScalar.class::isInstance).map(v -> Boolean.TRUE.equals(((YScalar) v).value())).orElse(false));
        boolean rateLimited = responses.stream().anyMatch(r -> r.status() == 429 && !r.range());
        return new Operation(operationId, method, path, op.string("summary").orElse("").strip(),
                op.string("description").orElse("").strip(),
                op.list("tags").map(l -> l.items().stream().map(SchemaFlattener::text).toList()).orElse(List.of()),
                consumes, produces, pathParams, params.query, params.header, body, responses, auth, rateLimited, versions, op.source());
    }

    private void checkPathParameters(String path, List<Field> pathParams, YMap op) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path);
        List<String> inPath = new ArrayList<>();
        while (m.find()) {
            inPath.add(m.group(1));
        }
        List<String> declared = pathParams.stream().map(Field::name).toList();
        for (String name : inPath) {
            if (!declared.contains(name)) {
                diagnostics.accept(Diagnostic.error(op.source(), "path segment {" + name + "} of " + path + " has no path parameter"));
            }
        }
        for (Field f : pathParams) {
            if (!inPath.contains(f.name())) {
                diagnostics.accept(Diagnostic.error(f.source(), "path parameter '" + f.name() + "' does not appear in " + path));
            }
        }
    }

    private Field parameter(YMap param, String name, RawSchema schema, List<Example> found, Context context) {
        boolean required = param.get("required").filter(YScalar.class::isInstance)
                .map(v -> Boolean.TRUE.equals(((YScalar) v).value())).orElse(false);
        Field field = types.field(name, schema, required, context.child(name));
        TypeRef type = name.endsWith("...")
                ? new TypeRef.MapOf(field.type(), Optional.empty(), Optional.of(name))
                : field.type();
        List<Example> all = new ArrayList<>(field.examples());
        all.addAll(found);
        return new Field(name, type, required, field.description(), field.defaultValue(), all, field.versions(), param.source());
    }

    private Body body(YMap param, Context context) {
        YamlNode schemaNode = param.get("schema").orElse(null);
        if (schemaNode == null) {
            diagnostics.accept(Diagnostic.error(param.source(), "body parameter without 'schema'"));
            return new Body(param.string("name").orElse("body"), new TypeRef.AnyJson(Optional.empty()), false, "", List.of());
        }
        RawSchema schema = schemas.flatten(schemaNode, files.absolute(schemaNode.source()));
        List<Example> found = new ArrayList<>();
        if (schema.example != null) {
            found.add(examples.example(schema.example));
            types.taken(schema.example);
        }
        param.get("x-example").ifPresent(x -> found.add(examples.example(x)));
        boolean required = param.get("required").filter(YScalar.class::isInstance)
                .map(v -> Boolean.TRUE.equals(((YScalar) v).value())).orElse(false);
        String description = param.string("description").orElse(schema.description == null ? "" : schema.description).strip();
        return new Body(param.string("name").orElse("body"), types.type(schema, context.child("Request")), required, description, found);
    }

    private List<Response> responses(YMap op, Context context) {
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
                diagnostics.accept(Diagnostic.error(e.getValue().source(), "response '" + code + "' is not an HTTP status or range such as 4xx"));
                continue;
            }
            int status = range ? (code.charAt(0) - '0') * 100 : Integer.parseInt(code);
            if (!(e.getValue() instanceof YMap r)) {
                diagnostics.accept(Diagnostic.error(e.getValue().source(), "response " + status + " should be a mapping"));
                continue;
            }
            Optional<TypeRef> type = r.get("schema").map(s -> types.type(
                    schemas.flatten(s, files.absolute(s.source())), context.child(Names.response(status))));
            List<Field> headers = new ArrayList<>();
            r.map("headers").ifPresent(h -> h.entries().forEach((name, node) -> {
                if (node instanceof YMap header) {
                    headers.add(types.field(name, schemas.flatten(header, files.absolute(header.source())), false,
                            context.child(Names.response(status) + " " + name)));
                }
            }));
            List<Example> found = new ArrayList<>();
            r.map("examples").ifPresent(ex -> ex.entries().forEach((mime, value) -> found.add(examples.example(value))));
            result.add(new Response(status, range, r.string("description").orElse("").strip(), type, headers, found));
        }
        result.sort(Comparator.comparingInt(Response::status).thenComparing(Response::range));
        return result;
    }

    private Optional<Security> security(YMap op, Map<String, Security> definitions) {
        YList list = op.list("security").orElse(null);
        if (list == null) {
            return Optional.empty();
        }
        for (YamlNode item : list.items()) {
            if (item instanceof YMap requirement) {
                for (String scheme : requirement.entries().keySet()) {
                    Security s = definitions.get(scheme);
                    if (s == null && apiSecurity.containsKey(scheme)) {
                        diagnostics.accept(Diagnostic.warning(item.source(), "security scheme '" + scheme
                                + "' is not defined in this file; read as the API's other files define it"));
                        return Optional.of(apiSecurity.get(scheme));
                    }
                    if (s == null) {
                        diagnostics.accept(Diagnostic.warning(item.source(), "security scheme '" + scheme
                                + "' is not defined for this file; the operation needs authentication of an unknown form"));
                        return Optional.of(new Security(scheme, "", "", ""));
                    }
                    return Optional.of(s);
                }
            }
        }
        return Optional.empty();
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
