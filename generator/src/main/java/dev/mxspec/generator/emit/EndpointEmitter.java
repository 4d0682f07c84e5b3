package dev.mxspec.generator.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.mxspec.generator.model.ApiKind;
import dev.mxspec.generator.model.Operation;
import dev.mxspec.generator.model.TypeRef;
import dev.mxspec.generator.names.Names;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * One class per operation, laid out as a person would write it: the endpoint's metadata constant
 * ({@code ENDPOINT}), its request record ({@code Request}) and its response type ({@code RESPONSE}).
 * Server routes and client URLs come from {@code ENDPOINT}.
 */
final class EndpointEmitter {

    static final ClassName TYPE_REFERENCE = ClassName.get("com.fasterxml.jackson.core.type", "TypeReference");

    private final JavaLayout layout;
    private final JavaTypes types;
    private final String release;

    EndpointEmitter(JavaLayout layout, JavaTypes types, String release) {
        this.layout = layout;
        this.types = types;
        this.release = release;
    }

    static ClassName endpointClass(JavaLayout layout, ApiKind api, Operation op) {
        return ClassName.get(layout.endpointsPackage(api), Names.pascal(op.operationId()));
    }

    /** The status and Java type of the operation's success response ({@code JsonNode} when the spec gives no schema). */
    static Map.Entry<Integer, TypeName> success(JavaTypes types, Operation op) {
        return op.responses().stream()
                .filter(r -> r.status() >= 200 && r.status() < 300 && !r.range())
                .findFirst()
                .map(r -> Map.entry(r.status(), r.type().map(t -> t instanceof TypeRef.Binary ? JavaTypes.MEDIA : types.of(t))
                        .orElse((TypeName) JavaTypes.JSON_NODE)))
                .orElse(Map.entry(200, JavaTypes.JSON_NODE));
    }

    /** The Java type of a request component as held in the record. */
    static TypeName componentType(JavaTypes types, RequestShape.Component c) {
        TypeName type = c.isOtherQuery()
                ? ParameterizedTypeName.get(JavaTypes.MAP, JavaTypes.STRING, JavaTypes.STRING)
                : types.of(c.type());
        return c.optional() ? JavaTypes.optional(type.box()) : type;
    }

    JavaFile emit(ApiKind api, Operation op) {
        ClassName name = endpointClass(layout, api, op);
        RequestShape shape = RequestShape.of(op);
        Map.Entry<Integer, TypeName> success = success(types, op);
        TypeSpec.Builder spec = TypeSpec.classBuilder(name)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addJavadoc(javadoc(op))
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
                .addField(FieldSpec.builder(JavaTypes.ENDPOINT, "ENDPOINT", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                        .addJavadoc("What the spec says about {@code $L}.\n", op.key())
                        .initializer(metadata(op))
                        .build())
                .addField(FieldSpec.builder(TypeName.INT, "SUCCESS_STATUS", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                        .addJavadoc("The HTTP status of a successful response.\n")
                        .initializer("$L", success.getKey())
                        .build())
                .addField(FieldSpec.builder(ParameterizedTypeName.get(TYPE_REFERENCE, success.getValue().box()), "RESPONSE",
                                Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                        .addJavadoc("The type of a successful response's body.\n")
                        .initializer("new $T<>() {}", TYPE_REFERENCE)
                        .build())
                .addType(request(shape, op));
        if (op.versions().deprecated()) {
            spec.addAnnotation(Deprecated.class);
        }
        return GeneratedFiles.file(name.packageName(), spec, release);
    }

    private TypeSpec request(RequestShape shape, Operation op) {
        MethodSpec.Builder ctor = MethodSpec.compactConstructorBuilder().addModifiers(Modifier.PUBLIC);
        MethodSpec.Builder compact = ctor;
        CodeBlock.Builder doc = CodeBlock.builder().add("The request of {@code $L}.\n", op.key());
        if (!shape.components().isEmpty()) {
            doc.add("\n");
        }
        for (RequestShape.Component c : shape.components()) {
            ctor.addParameter(ParameterSpec.builder(componentType(types, c), c.name()).build());
            if (c.optional()) {
                compact.addStatement("$N = $T.optional($N)", c.name(), JavaTypes.MATRIX_JSON, c.name());
            } else if (c.isList()) {
                compact.addStatement("$N = $N == null ? $T.of() : $T.copyOf($N)", c.name(), c.name(), List.class, List.class, c.name());
            } else if (c.isOtherQuery()) {
                compact.addStatement("$N = $N == null ? $T.of() : $T.copyOf($N)", c.name(), c.name(), Map.class, Map.class, c.name());
            } else {
                compact.addStatement("$T.required($N, $S)", JavaTypes.MATRIX_JSON, c.name(), c.wireName());
            }
            String where = c.location().name().toLowerCase(java.util.Locale.ROOT);
            String text = c.description().isBlank() ? "" : " " + Javadoc.text(c.description()).replace("\n", "\n    ");
            doc.add("@param $L ($L {@code $L})$L\n", c.name(), where, Javadoc.text(c.wireName()), text);
        }
        return TypeSpec.recordBuilder("Request")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .recordConstructor(ctor.build())
                .addJavadoc(doc.build())
                .build();
    }

    private static CodeBlock javadoc(Operation op) {
        CodeBlock.Builder doc = CodeBlock.builder().add("{@code $L}", op.key());
        op.versions().addedIn().ifPresent(v -> doc.add(", added in Matrix $L", v));
        doc.add(".\n\n");
        if (!op.summary().isBlank()) {
            doc.add("<p>$L\n\n", Javadoc.text(op.summary()));
        }
        if (!op.description().isBlank()) {
            doc.add("$L\n", Javadoc.text(op.description()));
        }
        op.versions().changedIn().forEach((v, what) -> doc.add("\n<p>Changed in Matrix $L: $L\n", v, Javadoc.text(what)));
        if (op.versions().deprecated()) {
            doc.add("\n@deprecated deprecated in the Matrix spec\n");
        }
        op.versions().addedIn().ifPresent(v -> doc.add("\n@since Matrix $L\n", v));
        return doc.build();
    }

    private static CodeBlock metadata(Operation op) {
        CodeBlock.Builder changed = CodeBlock.builder();
        op.versions().changedIn().forEach((v, what) -> changed.add(changed.isEmpty() ? "$S, $S" : ", $S, $S", v, what));
        return CodeBlock.builder()
                .add("new $T(\n", JavaTypes.ENDPOINT).indent().indent()
                .add("$S,\n$S,\n$S,\n", op.operationId(), op.method(), op.path())
                .add("$L,\n$L,\n$L,\n", names(op.pathParams()), names(op.queryParams()), names(op.headerParams()))
                .add("$L,\n", op.body().isPresent())
                .add("$L,\n", op.security().map(s -> CodeBlock.of("$T.of($S)", Optional.class, s.scheme()))
                        .orElse(CodeBlock.of("$T.empty()", Optional.class)))
                .add("$L,\n", op.rateLimited())
                .add("$L,\n", op.versions().addedIn().map(v -> CodeBlock.of("$T.of($S)", Optional.class, v))
                        .orElse(CodeBlock.of("$T.empty()", Optional.class)))
                .add("$T.of($L),\n", Map.class, changed.build())
                .add("$L)", op.versions().deprecated())
                .unindent().unindent()
                .build();
    }

    private static CodeBlock names(List<dev.mxspec.generator.model.Field> fields) {
        CodeBlock.Builder list = CodeBlock.builder();
        for (dev.mxspec.generator.model.Field f : fields) {
            list.add(list.isEmpty() ? "$S" : ", $S", f.name());
        }
        return CodeBlock.of("$T.of($L)", List.class, list.build());
    }

    static boolean isBinary(TypeRef type) {
        return type instanceof TypeRef.Binary;
    }
}
