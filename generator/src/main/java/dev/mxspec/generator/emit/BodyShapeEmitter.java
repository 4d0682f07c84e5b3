package dev.mxspec.generator.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeSpec;
import dev.mxspec.generator.model.Api;
import dev.mxspec.generator.model.Field;
import dev.mxspec.generator.model.NamedType;
import dev.mxspec.generator.model.Operation;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.model.TypeRef;
import dev.mxspec.generator.names.Names;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.lang.model.element.Modifier;

/**
 * The JSON shape of every JSON request body of one API, as {@code runtime.server.JsonShape}
 * constants: one per operation (used by the router to refuse a body of the wrong shape before it is
 * read into the request record) and one per object type the bodies use, in a nested class, referred
 * to lazily so that types may refer to themselves.
 */
final class BodyShapeEmitter {

    static final ClassName JSON_SHAPE = ClassName.get("dev.mxspec.runtime.server", "JsonShape");

    private final SpecRelease model;
    private final JavaLayout layout;
    private final String release;

    BodyShapeEmitter(SpecRelease model, JavaLayout layout, String release) {
        this.model = model;
        this.layout = layout;
        this.release = release;
    }

    static ClassName shapesClass(JavaLayout layout, Api api) {
        return ClassName.get(layout.serverPackage(api.kind()), Names.pascal(api.kind().folder()) + "BodyShapes");
    }

    /** Whether an operation has a JSON body, and so a shape constant. */
    static boolean hasJsonBody(Operation op) {
        return op.body().isPresent() && !op.binaryBody();
    }

    /** The name of the shape constant of an operation's body. */
    static String constant(Operation op) {
        return Names.constant(op.operationId());
    }

    JavaFile emit(Api api) {
        ClassName shapes = shapesClass(layout, api);
        ClassName types = shapes.nestedClass("Types");
        Map<String, String> typeConstants = typeConstants(api);
        TypeSpec.Builder typesSpec = TypeSpec.classBuilder(types)
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
        for (Map.Entry<String, String> t : typeConstants.entrySet()) {
            NamedType.ObjectType object = (NamedType.ObjectType) model.types().get(t.getKey());
            typesSpec.addField(FieldSpec.builder(JSON_SHAPE, t.getValue(), Modifier.STATIC, Modifier.FINAL)
                    .initializer(object(object, types, typeConstants)).build());
        }
        TypeSpec.Builder spec = TypeSpec.classBuilder(shapes)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addJavadoc("The JSON shape of each JSON request body of the $L API, checked by the router before a body is read.\n",
                        api.kind().folder())
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
        CodeBlock.Builder all = CodeBlock.builder();
        for (Operation op : api.operations()) {
            if (!hasJsonBody(op)) {
                continue;
            }
            String name = constant(op);
            spec.addField(FieldSpec.builder(JSON_SHAPE, name, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("The body of {@code $L} ({@code $L}).\n", op.key(), op.operationId())
                    .initializer(shape(op.body().orElseThrow().type(), types, typeConstants)).build());
            all.add(all.isEmpty() ? "\n$T.entry($S, $N)" : ",\n$T.entry($S, $N)", Map.class, op.operationId(), name);
        }
        spec.addField(FieldSpec.builder(ParameterizedTypeName.get(JavaTypes.MAP, JavaTypes.STRING, JSON_SHAPE), "BY_OPERATION",
                        Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The body shape of each operation with a JSON body, by operation ID.\n")
                .initializer(all.isEmpty() ? CodeBlock.of("$T.of()", Map.class)
                        : CodeBlock.builder().add("$T.ofEntries(", Map.class).indent().add(all.build()).unindent().add(")").build())
                .build());
        if (!typeConstants.isEmpty()) {
            spec.addType(typesSpec.build());
        }
        return GeneratedFiles.file(shapes.packageName(), spec, release);
    }

    /** The object types the API's bodies use, directly or through other types, each with its constant name. */
    private Map<String, String> typeConstants(Api api) {
        Deque<TypeRef> todo = new ArrayDeque<>();
        api.operations().stream().filter(BodyShapeEmitter::hasJsonBody).forEach(op -> todo.add(op.body().orElseThrow().type()));
        TreeMap<String, String> found = new TreeMap<>();
        while (!todo.isEmpty()) {
            switch (todo.pop()) {
                case TypeRef.ArrayOf a -> todo.add(a.items());
                case TypeRef.MapOf m -> todo.add(m.values());
                case TypeRef.Nullable n -> todo.add(n.type());
                case TypeRef.Named n -> {
                    if (model.types().get(n.name()) instanceof NamedType.ObjectType o && !found.containsKey(n.name())) {
                        found.put(n.name(), "");
                        o.fields().forEach(f -> todo.add(f.type()));
                    } else if (model.types().get(n.name()) instanceof NamedType.UnionType u) {
                        todo.addAll(u.options());
                    }
                }
                default -> { }
            }
        }
        NameAllocator names = new NameAllocator();
        found.replaceAll((type, unused) -> names.newName(Names.constant(type), type));
        return found;
    }

    private CodeBlock object(NamedType.ObjectType type, ClassName types, Map<String, String> constants) {
        if (type.fields().isEmpty()) {
            return CodeBlock.of("$T.object()", JSON_SHAPE);
        }
        CodeBlock.Builder fields = CodeBlock.builder();
        for (Field f : type.fields()) {
            fields.add(fields.isEmpty() ? "\n$S, $T.$L($L)" : ",\n$S, $T.$L($L)", f.name(), JSON_SHAPE,
                    f.required() ? "required" : "optional", shape(f.type(), types, constants));
        }
        return CodeBlock.builder().add("$T.object(", JSON_SHAPE).indent().indent().add(fields.build()).unindent().unindent().add(")")
                .build();
    }

    private CodeBlock shape(TypeRef type, ClassName types, Map<String, String> constants) {
        return switch (type) {
            case TypeRef.Primitive p -> CodeBlock.of("$T.$L", JSON_SHAPE, p.kind().name());
            case TypeRef.Literal l -> CodeBlock.of("$T.literal($S)", JSON_SHAPE, l.value());
            case TypeRef.ArrayOf a -> CodeBlock.of("$T.arrayOf($L)", JSON_SHAPE, shape(a.items(), types, constants));
            case TypeRef.Tuple t -> CodeBlock.of("$T.arrayOf($T.ANY)", JSON_SHAPE, JSON_SHAPE);
            case TypeRef.MapOf m -> CodeBlock.of("$T.mapOf($L)", JSON_SHAPE, shape(m.values(), types, constants));
            case TypeRef.Nullable n -> CodeBlock.of("$T.nullable($L)", JSON_SHAPE, shape(n.type(), types, constants));
            case TypeRef.AnyJson j -> anyJson(j.jsonType());
            case TypeRef.Binary b -> CodeBlock.of("$T.ANY", JSON_SHAPE);
            case TypeRef.Named n -> switch (model.types().get(n.name())) {
                case NamedType.ObjectType o -> CodeBlock.of("$T.ref(() -> $T.$N)", JSON_SHAPE, types, constants.get(n.name()));
                case NamedType.UnionType u -> {
                    CodeBlock.Builder options = CodeBlock.builder();
                    for (TypeRef option : u.options()) {
                        options.add(options.isEmpty() ? "$L" : ", $L", shape(option, types, constants));
                    }
                    yield CodeBlock.of("$T.oneOf($L)", JSON_SHAPE, options.build());
                }
                case NamedType.EnumType e -> CodeBlock.of("$T.STRING", JSON_SHAPE); // open enums keep unknown values
            };
        };
    }

    private static CodeBlock anyJson(Optional<String> jsonType) {
        String constant = switch (jsonType.orElse("")) {
            case "object" -> "ANY_OBJECT";
            case "string" -> "STRING";
            case "integer" -> "INTEGER";
            case "number" -> "NUMBER";
            case "boolean" -> "BOOLEAN";
            default -> "ANY";
        };
        return jsonType.filter("array"::equals).isPresent()
                ? CodeBlock.of("$T.arrayOf($T.ANY)", JSON_SHAPE, JSON_SHAPE)
                : CodeBlock.of("$T.$L", JSON_SHAPE, constant);
    }
}
