package dev.mxspec.generator.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.mxspec.generator.model.Api;
import dev.mxspec.generator.model.EndpointGroup;
import dev.mxspec.generator.model.Operation;
import dev.mxspec.generator.names.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Server stubs for one API: a handler interface per endpoint group (one method per operation, from
 * typed request to typed response) and a router that binds them to the endpoint metadata on an
 * HTTP-library-free {@code RouteTable}: it matches the request, authenticates where the spec says
 * so, parses path, query, header and body into the request record, and maps failures to the Matrix
 * error JSON.
 */
final class ServerEmitter {

    static final ClassName ROUTE_TABLE = ClassName.get("dev.mxspec.runtime.server", "RouteTable");
    static final ClassName AUTHENTICATOR = ClassName.get("dev.mxspec.runtime.server", "Authenticator");
    static final ClassName REQUEST_CONTEXT = ClassName.get("dev.mxspec.runtime.server", "RequestContext");
    static final ClassName SERVER_REQUEST = ClassName.get("dev.mxspec.runtime.server", "ServerRequest");
    static final ClassName SERVER_RESPONSE = ClassName.get("dev.mxspec.runtime.server", "ServerResponse");
    static final ClassName PARAMS = ClassName.get("dev.mxspec.runtime.server", "Params");

    private final JavaLayout layout;
    private final JavaTypes types;
    private final String release;

    private final dev.mxspec.generator.model.SpecRelease model;

    ServerEmitter(dev.mxspec.generator.model.SpecRelease model, JavaLayout layout, String release) {
        this.model = model;
        this.layout = layout;
        this.types = new JavaTypes(layout);
        this.release = release;
    }

    static ClassName handlerClass(JavaLayout layout, Api api, EndpointGroup group) {
        return ClassName.get(layout.serverPackage(api.kind()), Names.pascal(group.name()) + "Handler");
    }

    static ClassName routerClass(JavaLayout layout, Api api) {
        return ClassName.get(layout.serverPackage(api.kind()), Names.pascal(api.kind().folder()) + "Router");
    }

    static String handlerMethod(Operation op) {
        return Names.camel(op.operationId());
    }

    List<JavaFile> emit(Api api) {
        List<JavaFile> files = new ArrayList<>();
        for (EndpointGroup group : api.groups()) {
            if (!group.operations().isEmpty()) {
                files.add(handler(api, group));
            }
        }
        files.add(router(api));
        files.add(new BodyShapeEmitter(model, layout, release).emit(api));
        return files;
    }

    private JavaFile handler(Api api, EndpointGroup group) {
        ClassName name = handlerClass(layout, api, group);
        TypeSpec.Builder spec = TypeSpec.interfaceBuilder(name).addModifiers(Modifier.PUBLIC)
                .addJavadoc("Handles the operations of {@code $L} ($L).\n", group.name(), Javadoc.text(group.title()));
        for (Operation op : group.operations()) {
            ClassName endpoint = EndpointEmitter.endpointClass(layout, api.kind(), op);
            TypeName response = EndpointEmitter.success(types, op).getValue();
            MethodSpec.Builder method = MethodSpec.methodBuilder(handlerMethod(op))
                    .addModifiers(Modifier.PUBLIC, Modifier.ABSTRACT)
                    .returns(response)
                    .addParameter(REQUEST_CONTEXT, "context")
                    .addParameter(endpoint.nestedClass("Request"), "request")
                    .addJavadoc("{@code $L}$L.\n\n", op.key(), op.versions().addedIn().map(v -> ", added in Matrix " + v).orElse(""))
                    .addJavadoc(op.summary().isBlank() ? "" : Javadoc.text(op.summary()) + "\n\n")
                    .addJavadoc("@param context the caller (authenticated when the spec requires it)\n")
                    .addJavadoc("@param request the parsed request\n")
                    .addJavadoc("@return the response, sent with status {@link $T#SUCCESS_STATUS}\n", endpoint)
                    .addJavadoc("@throws $T to answer with a Matrix error\n", JavaTypes.MATRIX_EXCEPTION);
            if (op.versions().deprecated()) {
                method.addAnnotation(Deprecated.class);
            }
            spec.addMethod(method.build());
        }
        return GeneratedFiles.file(name.packageName(), spec, release);
    }

    private JavaFile router(Api api) {
        ClassName router = routerClass(layout, api);
        ClassName builder = router.nestedClass("Builder");
        TypeSpec.Builder builderSpec = TypeSpec.classBuilder(builder)
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Binds handlers; endpoints of groups without a handler answer {@code M_UNRECOGNIZED}.\n")
                .addField(ROUTE_TABLE, "table", Modifier.PRIVATE, Modifier.FINAL)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
                        .addParameter(AUTHENTICATOR, "authenticator")
                        .addStatement("this.table = new $T(authenticator)", ROUTE_TABLE)
                        .build());
        for (EndpointGroup group : api.groups()) {
            if (group.operations().isEmpty()) {
                continue;
            }
            ClassName handler = handlerClass(layout, api, group);
            MethodSpec.Builder bind = MethodSpec.methodBuilder(Names.camel(group.name()))
                    .addModifiers(Modifier.PUBLIC)
                    .returns(builder)
                    .addParameter(handler, "handler")
                    .addJavadoc("Serves the operations of {@code $L} with {@code handler}.\n", group.name());
            for (Operation op : group.operations()) {
                bind.addCode(route(api, op));
            }
            builderSpec.addMethod(bind.addStatement("return this").build());
        }
        builderSpec.addMethod(MethodSpec.methodBuilder("build").addModifiers(Modifier.PUBLIC).returns(router)
                .addStatement("return new $T(table)", router).build());
        CodeBlock.Builder endpoints = CodeBlock.builder();
        for (Operation op : api.operations()) {
            endpoints.add(endpoints.isEmpty() ? "\n$T.ENDPOINT" : ",\n$T.ENDPOINT", EndpointEmitter.endpointClass(layout, api.kind(), op));
        }
        TypeSpec.Builder spec = TypeSpec.classBuilder(router)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addField(FieldSpec.builder(ParameterizedTypeName.get(JavaTypes.LIST, JavaTypes.ENDPOINT), "ENDPOINTS",
                                Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                        .addJavadoc("Every operation of the API, routed or not, in the spec's order.\n")
                        .initializer(endpoints.isEmpty() ? CodeBlock.of("$T.of()", List.class)
                                : CodeBlock.builder().add("$T.of(", List.class).indent().add(endpoints.build()).unindent().add(")").build())
                        .build())
                .addJavadoc("Routes requests of the $L API to its handlers. Independent of any HTTP server library:"
                        + " an adapter turns its requests into {@link $T}s.\n", api.kind().folder(), SERVER_REQUEST)
                .addField(FieldSpec.builder(ROUTE_TABLE, "table", Modifier.PRIVATE, Modifier.FINAL).build())
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
                        .addParameter(ROUTE_TABLE, "table").addStatement("this.table = table").build())
                .addMethod(MethodSpec.methodBuilder("builder").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(builder)
                        .addJavadoc("@param authenticator checks callers of endpoints the spec marks as authenticated\n")
                        .addParameter(AUTHENTICATOR, "authenticator")
                        .addStatement("return new $T(authenticator)", builder).build())
                .addMethod(MethodSpec.methodBuilder("handle").addModifiers(Modifier.PUBLIC).returns(SERVER_RESPONSE)
                        .addJavadoc("Handles one request; never throws: failures are Matrix error responses.\n")
                        .addParameter(SERVER_REQUEST, "request")
                        .addStatement("return table.handle(request)").build())
                .addMethod(MethodSpec.methodBuilder("routes").addModifiers(Modifier.PUBLIC).returns(ROUTE_TABLE)
                        .addStatement("return table").build())
                .addType(builderSpec.build());
        if (api.operations().stream().anyMatch(o -> o.versions().deprecated())) {
            spec.addAnnotation(GeneratedFiles.suppressDeprecation());
        }
        return GeneratedFiles.file(router.packageName(), spec, release);
    }

    private CodeBlock route(Api api, Operation op) {
        ClassName endpoint = EndpointEmitter.endpointClass(layout, api.kind(), op);
        RequestShape shape = RequestShape.of(op);
        CodeBlock.Builder args = CodeBlock.builder();
        List<String> knownQuery = op.queryParams().stream().map(f -> f.name()).filter(n -> !n.endsWith("...")).toList();
        for (RequestShape.Component c : shape.components()) {
            if (!args.isEmpty()) {
                args.add(",\n");
            }
            args.add(parse(api, op, c, knownQuery));
        }
        TypeName response = EndpointEmitter.success(types, op).getValue();
        CodeBlock respond = response.equals(JavaTypes.MEDIA)
                ? CodeBlock.of("return $T.media($T.SUCCESS_STATUS, handler.$L(context, request));\n", SERVER_RESPONSE, endpoint, handlerMethod(op))
                : CodeBlock.of("return $T.json($T.SUCCESS_STATUS, handler.$L(context, request));\n", SERVER_RESPONSE, endpoint, handlerMethod(op));
        List<Operation> sharing = api.operations().stream()
                .filter(o -> o != op && o.method().equals(op.method()) && o.path().equals(op.path())).toList();
        return CodeBlock.builder()
                .add("table.add($T.ENDPOINT, (context, path) -> {\n", endpoint).indent()
                .add("$T request = new $T(", endpoint.nestedClass("Request"), endpoint.nestedClass("Request"))
                .add(shape.components().isEmpty() ? "" : "\n").indent().indent()
                .add(args.build()).unindent().unindent()
                .add(");\n")
                .add(respond)
                .unindent().add(sharing.isEmpty() ? CodeBlock.of("});\n") : CodeBlock.of("}, $L);\n", selector(op, sharing)))
                .build();
    }

    /** Scores a request for one of several operations on the same method and path, by the fields only it has. */
    private CodeBlock selector(Operation op, List<Operation> others) {
        java.util.Set<String> otherQuery = new java.util.TreeSet<>();
        java.util.Set<String> otherBody = new java.util.TreeSet<>();
        for (Operation o : others) {
            o.queryParams().forEach(f -> otherQuery.add(f.name()));
            otherBody.addAll(bodyFields(o, false));
        }
        List<String> requiredQuery = op.queryParams().stream().filter(f -> f.required()).map(f -> f.name()).toList();
        List<String> ownQuery = op.queryParams().stream().map(f -> f.name()).filter(n -> !otherQuery.contains(n)).toList();
        List<String> requiredBody = bodyFields(op, true);
        List<String> ownBody = bodyFields(op, false).stream().filter(n -> !otherBody.contains(n)).toList();
        return CodeBlock.of("request -> $T.score(request, $L, $L, $L, $L)", PARAMS, set(requiredQuery), set(ownQuery),
                set(requiredBody), set(ownBody));
    }

    private List<String> bodyFields(Operation op, boolean requiredOnly) {
        return op.body().flatMap(b -> model.objectType(b.type()))
                .map(o -> o.fields().stream().filter(f -> !requiredOnly || f.required()).map(f -> f.name()).toList())
                .orElse(List.of());
    }

    private static CodeBlock set(List<String> values) {
        CodeBlock.Builder list = CodeBlock.builder();
        for (String v : values) {
            list.add(list.isEmpty() ? "$S" : ", $S", v);
        }
        return CodeBlock.of("$T.of($L)", Set.class, list.build());
    }

    private CodeBlock parse(Api api, Operation op, RequestShape.Component c, List<String> knownQuery) {
        TypeName type = types.of(c.type()).box();
        CodeBlock raw = CodeBlock.of("$T.class", rawClass(type));
        return switch (c.location()) {
            case PATH -> type.equals(JavaTypes.STRING)
                    ? CodeBlock.of("$T.path(path, $S)", PARAMS, c.wireName())
                    : CodeBlock.of("$T.path(path, $S, $L)", PARAMS, c.wireName(), raw);
            case QUERY -> {
                if (c.isOtherQuery()) {
                    yield CodeBlock.of("$T.otherQuery(context.request(), $T.of($L))", PARAMS, Set.class,
                            String.join(", ", knownQuery.stream().map(q -> CodeBlock.of("$S", q).toString()).toList()));
                }
                if (c.isList()) {
                    TypeName item = ((ParameterizedTypeName) type).typeArguments().getFirst();
                    yield CodeBlock.of("$T.queryList(context.request(), $S, $T.class)", PARAMS, c.wireName(), rawClass(item));
                }
                yield c.required()
                        ? CodeBlock.of("$T.requiredQuery(context.request(), $S, $L)", PARAMS, c.wireName(), raw)
                        : CodeBlock.of("$T.query(context.request(), $S, $L)", PARAMS, c.wireName(), raw);
            }
            case HEADER -> c.required()
                    ? CodeBlock.of("$T.requiredHeader(context.request(), $S, $L)", PARAMS, c.wireName(), raw)
                    : CodeBlock.of("$T.header(context.request(), $S, $L)", PARAMS, c.wireName(), raw);
            case BODY -> {
                if (EndpointEmitter.isBinary(c.type())) {
                    yield c.required()
                            ? CodeBlock.of("context.request().body()")
                            : CodeBlock.of("$T.of(context.request().body())", Optional.class);
                }
                CodeBlock javaType = CodeBlock.of("$T.mapper().constructType(new $T<$T>() {})", JavaTypes.MATRIX_JSON,
                        EndpointEmitter.TYPE_REFERENCE, type);
                CodeBlock shape = CodeBlock.of("$T.$N", BodyShapeEmitter.shapesClass(layout, api), BodyShapeEmitter.constant(op));
                yield c.required()
                        ? CodeBlock.of("$T.<$T>body(context.request(), $L, true, $L)", PARAMS, type, javaType, shape)
                        : CodeBlock.of("$T.ofNullable($T.<$T>body(context.request(), $L, false, $L))", Optional.class, PARAMS, type,
                                javaType, shape);
            }
        };
    }

    static TypeName rawClass(TypeName type) {
        return type instanceof ParameterizedTypeName p ? p.rawType() : type;
    }

}
