package dev.mxspec.generator.emit;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.mxspec.generator.model.NamedType;
import dev.mxspec.generator.model.NamedType.UnionType;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.model.TypeRef;
import dev.mxspec.generator.model.VersionInfo;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * A sealed interface per union: a record per shape holding the value as its Java type, and
 * {@code Other} for JSON that fits none of them, kept as it is so that it survives a read and a
 * write. Reading tries the shapes in spec order, each only for JSON of its kind (a string for a
 * string, an object for an object, ...), with no coercion between kinds.
 */
final class UnionEmitter {

    private static final ClassName TYPE_REFERENCE = ClassName.get("com.fasterxml.jackson.core.type", "TypeReference");
    private static final String OTHER = "Other";

    /** One shape of a union as Java: the record's name and the type it holds. */
    record Variant(String name, TypeRef option, TypeName type) {}

    private final SpecRelease release;
    private final JavaTypes types;

    UnionEmitter(SpecRelease release, JavaTypes types) {
        this.release = release;
        this.types = types;
    }

    /** The records of a union, one per shape in spec order, then {@code Other}. */
    List<Variant> variants(UnionType union) {
        NameAllocator names = new NameAllocator();
        names.newName(OTHER, OTHER);
        List<Variant> variants = new ArrayList<>();
        for (TypeRef option : union.options()) {
            String byKind = kind(option) + "Value";
            boolean taken = variants.stream().anyMatch(v -> v.name().equals(byKind));
            // Two shapes of one kind are told apart by their types' names.
            String name = taken && option instanceof TypeRef.Named n ? n.name() + "Value" : byKind;
            variants.add(new Variant(names.newName(name, option), option, types.of(option)));
        }
        variants.add(new Variant(OTHER, new TypeRef.AnyJson(java.util.Optional.empty()), JavaTypes.JSON_NODE));
        return variants;
    }

    TypeSpec.Builder emit(ClassName name, UnionType union) {
        List<Variant> variants = variants(union);
        TypeSpec.Builder spec = TypeSpec.interfaceBuilder(name)
                .addModifiers(Modifier.PUBLIC, Modifier.SEALED)
                .addJavadoc(CodeBlock.builder()
                        .add(Javadoc.of(union.description(), VersionInfo.NONE))
                        .add(union.description().isBlank() ? "" : "\n<p>")
                        .add("One of: $L. JSON that fits none of them is kept as {@link $L}, so that it survives a read and a write.\n",
                                String.join(", ", union.options().stream().map(o -> "{@code " + Javadoc.text(o.display()) + "}").toList()),
                                OTHER)
                        .build());
        MethodSpec.Builder of = MethodSpec.methodBuilder("of")
                .addJavadoc("The value of a JSON value: the first shape it fits, in spec order, else {@link $L}.\n", OTHER)
                .addAnnotation(AnnotationSpec.builder(JavaTypes.JSON_CREATOR)
                        .addMember("mode", "$T.Mode.DELEGATING", JavaTypes.JSON_CREATOR).build())
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(name)
                .addParameter(JavaTypes.JSON_NODE, "json");
        for (Variant v : variants) {
            ClassName variant = name.nestedClass(v.name());
            spec.addType(TypeSpec.recordBuilder(variant)
                    .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                    .addSuperinterface(name)
                    .recordConstructor(MethodSpec.compactConstructorBuilder().addModifiers(Modifier.PUBLIC)
                            .addParameter(ParameterSpec.builder(v.type(), "value").addAnnotation(JavaTypes.JSON_VALUE).build())
                            .addStatement("$T.requireNonNull(value, $S)", java.util.Objects.class, "value")
                            .build())
                    .addJavadoc(v.name().equals(OTHER)
                            ? CodeBlock.of("JSON of a shape the spec does not give here, as it was sent.\n\n@param value the JSON\n")
                            : CodeBlock.of("A value of shape {@code $L}.\n\n@param value the value\n", Javadoc.text(v.option().display())))
                    .build());
            if (!v.name().equals(OTHER)) {
                of.addCode(read(variant, v));
            }
        }
        of.addStatement("return new $T(json)", name.nestedClass(OTHER));
        return spec.addMethod(of.build());
    }

    /** Returns the variant when the JSON is of its kind and reads as its type. */
    private CodeBlock read(ClassName variant, Variant v) {
        String guard = guard(v.option());
        CodeBlock direct = direct(v.option());
        if (direct != null) {
            return CodeBlock.builder()
                    .beginControlFlow("if ($L)", guard)
                    .addStatement("return new $T($L)", variant, direct)
                    .endControlFlow()
                    .build();
        }
        CodeBlock target = v.type() instanceof ParameterizedTypeName
                ? CodeBlock.of("new $T<$T>() {}", TYPE_REFERENCE, v.type())
                : CodeBlock.of("$T.class", v.type());
        String local = Character.toLowerCase(v.name().charAt(0)) + v.name().substring(1);
        return CodeBlock.builder()
                .beginControlFlow("if ($L)", guard)
                .addStatement("$T<$T> $N = $T.attempt(json, $L)", JavaTypes.OPTIONAL, v.type(), local, JavaTypes.MATRIX_JSON, target)
                .beginControlFlow("if ($N.isPresent())", local)
                .addStatement("return new $T($N.get())", variant, local)
                .endControlFlow()
                .endControlFlow()
                .build();
    }

    /** The test that the JSON is of the option's kind. */
    private String guard(TypeRef option) {
        return switch (kind(option)) {
            case "String" -> option instanceof TypeRef.Literal l
                    ? "json.isTextual() && json.textValue().equals(" + CodeBlock.of("$S", l.value()) + ")"
                    : "json.isTextual()";
            case "Integer" -> "json.isIntegralNumber() && json.canConvertToLong()";
            case "Number" -> "json.isNumber()";
            case "Boolean" -> "json.isBoolean()";
            case "Object" -> "json.isObject()";
            case "Array" -> "json.isArray()";
            default -> "!json.isNull()";
        };
    }

    /** The value of the option's Java type read straight from the JSON, or null when it must be read with Jackson. */
    private CodeBlock direct(TypeRef option) {
        return switch (option) {
            case TypeRef.Primitive p -> switch (p.kind()) {
                case STRING -> CodeBlock.of("json.textValue()");
                case INTEGER -> CodeBlock.of("json.longValue()");
                case NUMBER -> CodeBlock.of("json.decimalValue()");
                case BOOLEAN -> CodeBlock.of("json.booleanValue()");
            };
            case TypeRef.Literal l -> CodeBlock.of("json.textValue()");
            case TypeRef.AnyJson j -> CodeBlock.of("json");
            case TypeRef.Tuple t -> CodeBlock.of("json");
            case TypeRef.Named n when release.types().get(n.name()) instanceof NamedType.EnumType ->
                    CodeBlock.of("$T.of(json.textValue())", types.of(n));
            default -> null;
        };
    }

    /** The JSON kind of a shape, as a word for its record's name. */
    private String kind(TypeRef option) {
        return switch (option) {
            case TypeRef.Primitive p -> switch (p.kind()) {
                case STRING -> "String";
                case INTEGER -> "Integer";
                case NUMBER -> "Number";
                case BOOLEAN -> "Boolean";
            };
            case TypeRef.Literal l -> "String";
            case TypeRef.ArrayOf a -> "Array";
            case TypeRef.Tuple t -> "Array";
            case TypeRef.MapOf m -> "Object";
            case TypeRef.AnyJson j -> j.jsonType().map(t -> t.equals("array") ? "Array" : "Object").orElse("Any");
            case TypeRef.Named n -> switch (release.types().get(n.name())) {
                case NamedType.EnumType e -> "String";
                case NamedType.ObjectType o -> "Object";
                case NamedType.UnionType u -> "Any";
            };
            case TypeRef.Nullable n -> kind(n.type());
            case TypeRef.Binary b -> "Any";
        };
    }
}
