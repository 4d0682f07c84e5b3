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
import dev.mxspec.generator.model.Operation;
import dev.mxspec.generator.names.Names;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.lang.model.element.Modifier;

/**
 * A typed client per API on the JDK HttpClient: one blocking and one async method per operation,
 * URLs from the endpoint metadata, the access token where the spec requires it, Matrix errors as
 * {@code MatrixException}, rate-limited requests retried after {@code retry_after_ms}.
 */
final class ClientEmitter {

    static final ClassName HTTP = ClassName.get("dev.mxspec.runtime.client", "MatrixHttpClient");
    static final ClassName CALL = HTTP.nestedClass("Call");

    private final JavaLayout layout;
    private final JavaTypes types;
    private final String release;

    ClientEmitter(JavaLayout layout, JavaTypes types, String release) {
        this.layout = layout;
        this.types = types;
        this.release = release;
    }

    static ClassName clientClass(JavaLayout layout, Api api) {
        return ClassName.get(layout.clientPackage(api.kind()), Names.pascal(api.kind().folder()) + "Client");
    }

    JavaFile emit(Api api) {
        ClassName name = clientClass(layout, api);
        TypeSpec.Builder spec = TypeSpec.classBuilder(name)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addJavadoc("A client of the $L API of Matrix spec $L: one method per operation, blocking and async.\n",
                        api.kind().folder(), release)
                .addField(FieldSpec.builder(HTTP, "http", Modifier.PRIVATE, Modifier.FINAL).build())
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                        .addParameter(HTTP, "http")
                        .addStatement("this.http = http")
                        .build())
                .addMethod(MethodSpec.methodBuilder("http").addModifiers(Modifier.PUBLIC).returns(HTTP)
                        .addJavadoc("The HTTP core: base URL, access token, retries.\n")
                        .addStatement("return http").build());
        for (Operation op : api.operations()) {
            addOperation(spec, api, op);
        }
        if (api.operations().stream().anyMatch(o -> o.versions().deprecated())) {
            spec.addAnnotation(GeneratedFiles.suppressDeprecation());
        }
        return GeneratedFiles.file(name.packageName(), spec, release);
    }

    private void addOperation(TypeSpec.Builder spec, Api api, Operation op) {
        ClassName endpoint = EndpointEmitter.endpointClass(layout, api.kind(), op);
        ClassName request = endpoint.nestedClass("Request");
        TypeName response = EndpointEmitter.success(types, op).getValue().box();
        String method = Names.camel(op.operationId());
        CodeBlock doc = CodeBlock.builder()
                .add("{@code $L}$L.\n\n", op.key(), op.versions().addedIn().map(v -> ", added in Matrix " + v).orElse(""))
                .add(op.summary().isBlank() ? "" : Javadoc.text(op.summary()) + "\n\n")
                .add("@param request the request\n")
                .build();
        String callMethod = method + "Call";
        boolean media = response.equals(JavaTypes.MEDIA);
        MethodSpec.Builder async = MethodSpec.methodBuilder(method + "Async")
                .addModifiers(Modifier.PUBLIC)
                .returns(ParameterizedTypeName.get(ClassName.get(CompletableFuture.class), response))
                .addParameter(request, "request")
                .addJavadoc(doc)
                .addJavadoc("@return the response; fails with {@link $T} on an error response\n", JavaTypes.MATRIX_EXCEPTION);
        if (media) {
            async.addStatement("return http.sendRawAsync($L(request)).thenApply(r -> new $T("
                    + "r.headers().firstValue(\"Content-Type\").orElse(null), r.headers().firstValue(\"Content-Disposition\"), r.body()))",
                    callMethod, JavaTypes.MEDIA);
        } else {
            async.addStatement("return http.sendAsync($L(request), $T.mapper().constructType($T.RESPONSE))",
                    callMethod, JavaTypes.MATRIX_JSON, endpoint);
        }
        MethodSpec.Builder blocking = MethodSpec.methodBuilder(method)
                .addModifiers(Modifier.PUBLIC)
                .returns(response)
                .addParameter(request, "request")
                .addJavadoc(doc)
                .addJavadoc("@return the response\n@throws $T on an error response\n", JavaTypes.MATRIX_EXCEPTION);
        if (media) {
            blocking.addStatement("return $T.join($LAsync(request))", HTTP, method);
        } else {
            blocking.addStatement("return http.send($L(request), $T.mapper().constructType($T.RESPONSE))",
                    callMethod, JavaTypes.MATRIX_JSON, endpoint);
        }
        if (op.versions().deprecated()) {
            async.addAnnotation(Deprecated.class);
            blocking.addAnnotation(Deprecated.class);
        }
        spec.addMethod(blocking.build());
        spec.addMethod(async.build());
        spec.addMethod(call(endpoint, request, op, callMethod));
    }

    private MethodSpec call(ClassName endpoint, ClassName request, Operation op, String name) {
        RequestShape shape = RequestShape.of(op);
        TypeName stringMap = ParameterizedTypeName.get(Map.class, String.class, String.class);
        TypeName queryMap = ParameterizedTypeName.get(ClassName.get(Map.class), ClassName.get(String.class),
                ParameterizedTypeName.get(List.class, String.class));
        MethodSpec.Builder m = MethodSpec.methodBuilder(name)
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(CALL)
                .addParameter(request, "request")
                .addStatement("$T path = new $T<>()", stringMap, LinkedHashMap.class)
                .addStatement("$T query = new $T<>()", queryMap, LinkedHashMap.class)
                .addStatement("$T headers = new $T<>()", stringMap, LinkedHashMap.class);
        CodeBlock body = CodeBlock.of("null");
        for (RequestShape.Component c : shape.components()) {
            switch (c.location()) {
                case PATH -> m.addStatement("path.put($S, $T.valueOf(request.$N()))", c.wireName(), String.class, c.name());
                case QUERY -> {
                    if (c.isOtherQuery()) {
                        m.addStatement("request.$N().forEach((k, v) -> query.put(k, $T.of(v)))", c.name(), List.class);
                    } else if (c.isList()) {
                        m.beginControlFlow("if (!request.$N().isEmpty())", c.name())
                                .addStatement("query.put($S, request.$N().stream().map($T::valueOf).toList())", c.wireName(), c.name(), String.class)
                                .endControlFlow();
                    } else if (c.optional()) {
                        m.addStatement("request.$N().ifPresent(v -> query.put($S, $T.of($T.valueOf(v))))", c.name(), c.wireName(), List.class, String.class);
                    } else {
                        m.addStatement("query.put($S, $T.of($T.valueOf(request.$N())))", c.wireName(), List.class, String.class, c.name());
                    }
                }
                case HEADER -> {
                    if (c.optional()) {
                        m.addStatement("request.$N().ifPresent(v -> headers.put($S, $T.valueOf(v)))", c.name(), c.wireName(), String.class);
                    } else {
                        m.addStatement("headers.put($S, $T.valueOf(request.$N()))", c.wireName(), String.class, c.name());
                    }
                }
                case BODY -> body = c.optional() ? CodeBlock.of("request.$N().orElse(null)", c.name()) : CodeBlock.of("request.$N()", c.name());
            }
        }
        return m.addStatement("return new $T($T.ENDPOINT, path, query, headers, $L)", CALL, endpoint, body).build();
    }
}
