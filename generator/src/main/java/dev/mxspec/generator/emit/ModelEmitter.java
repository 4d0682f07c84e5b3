package dev.mxspec.generator.emit;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.mxspec.generator.model.Field;
import dev.mxspec.generator.model.NamedType;
import dev.mxspec.generator.model.NamedType.EnumType;
import dev.mxspec.generator.model.NamedType.ObjectType;
import dev.mxspec.generator.model.NamedType.UnionType;
import dev.mxspec.generator.model.TypeRef;
import dev.mxspec.generator.model.VersionInfo;
import dev.mxspec.generator.names.Names;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * A record per object type (Jackson-annotated; unknown JSON fields kept in
 * {@code additionalProperties}; optional fields as {@code Optional}; required ones checked), and an
 * open enum per string enum (a record holding the value, with a constant per known value, so that
 * unknown values survive); unions are {@link UnionEmitter}'s.
 */
final class ModelEmitter {

    private final JavaLayout layout;
    private final JavaTypes types;
    private final UnionEmitter unions;
    private final String release;
    private final Map<String, List<ClassName>> interfaces;

    /** @param interfaces extra interfaces per type name (event content kinds) */
    ModelEmitter(JavaLayout layout, JavaTypes types, UnionEmitter unions, String release, Map<String, List<ClassName>> interfaces) {
        this.layout = layout;
        this.types = types;
        this.unions = unions;
        this.release = release;
        this.interfaces = interfaces;
    }

    JavaFile emit(NamedType type) {
        ClassName name = layout.typeClass(type.name());
        TypeSpec.Builder spec = switch (type) {
            case ObjectType o -> record(name, o);
            case EnumType e -> openEnum(name, e);
            case UnionType u -> unions.emit(name, u);
        };
        return GeneratedFiles.file(name.packageName(), spec, release);
    }

    /** The Java component names of an object's fields, in field order, then the extra-fields map. */
    static List<String> componentNames(ObjectType type) {
        NameAllocator names = new NameAllocator();
        List<String> result = new java.util.ArrayList<>();
        for (Field f : type.fields()) {
            result.add(names.newName(Names.camel(f.name()), f));
        }
        result.add(names.newName("additionalProperties", "additionalProperties"));
        return result;
    }

    private TypeSpec.Builder record(ClassName name, ObjectType type) {
        List<String> components = componentNames(type);
        MethodSpec.Builder ctor = MethodSpec.compactConstructorBuilder().addModifiers(Modifier.PUBLIC);
        MethodSpec.Builder compact = ctor;
        CodeBlock.Builder doc = CodeBlock.builder().add(Javadoc.of(type.description(), type.versions()));
        if (!type.description().isBlank() || !type.versions().isEmpty()) {
            doc.add("\n");
        }
        List<com.palantir.javapoet.MethodSpec> deprecatedAccessors = new java.util.ArrayList<>();
        for (int i = 0; i < type.fields().size(); i++) {
            Field f = type.fields().get(i);
            String component = components.get(i);
            TypeName javaType = types.of(f.type());
            boolean nullable = f.type() instanceof TypeRef.Nullable;
            boolean optional = !f.required();
            // Optional and nullable: absent, JSON null and a value are three different things (Nullable keeps null).
            TypeName declared = optional
                    ? JavaTypes.optional(nullable ? ParameterizedTypeName.get(JavaTypes.NULLABLE, javaType) : javaType)
                    : javaType;
            ParameterSpec.Builder param = ParameterSpec.builder(declared, component)
                    .addAnnotation(AnnotationSpec.builder(JavaTypes.JSON_PROPERTY).addMember("value", "$S", f.name()).build());
            if (optional && nullable) {
                param.addAnnotation(AnnotationSpec.builder(JavaTypes.JSON_DESERIALIZE)
                        .addMember("using", "$T.OptionalReader.class", JavaTypes.NULLABLE).build());
            }
            if (f.required() && nullable) {
                param.addAnnotation(AnnotationSpec.builder(JavaTypes.JSON_INCLUDE)
                        .addMember("value", "$T.Include.ALWAYS", JavaTypes.JSON_INCLUDE).build());
            }
            if (f.versions().deprecated()) {
                // On the accessor: javac warns that @Deprecated has no effect on a record component's parameter.
                deprecatedAccessors.add(com.palantir.javapoet.MethodSpec.methodBuilder(component)
                        .addAnnotation(Deprecated.class)
                        .addModifiers(Modifier.PUBLIC)
                        .returns(declared)
                        .addJavadoc("@deprecated the spec deprecates {@code $L}\n@return $L\n", f.name(), "the {@code " + f.name() + "} field")
                        .addStatement("return $N", component)
                        .build());
            }
            ctor.addParameter(param.build());
            if (optional) {
                compact.addStatement("$N = $T.optional($N)", component, JavaTypes.MATRIX_JSON, component);
            } else if (!nullable) {
                compact.addStatement("$T.required($N, $S)", JavaTypes.MATRIX_JSON, component, f.name());
            }
            doc.add("@param $L $L\n", component, fieldDoc(f));
        }
        String extra = components.getLast();
        TypeName extraValue = type.additionalProperties().map(types::of).orElse(JavaTypes.JSON_NODE);
        TypeName extraType = ParameterizedTypeName.get(JavaTypes.MAP, JavaTypes.STRING, extraValue);
        ctor.addParameter(ParameterSpec.builder(extraType, extra)
                .addAnnotation(JavaTypes.JSON_ANY_SETTER)
                .addAnnotation(JavaTypes.JSON_ANY_GETTER)
                .build());
        compact.addStatement("$N = $N == null ? $T.of() : $T.unmodifiableMap(new $T<>($N))", extra, extra, Map.class,
                java.util.Collections.class, java.util.LinkedHashMap.class, extra);
        doc.add("@param $L $L\n", extra, type.additionalProperties().isPresent()
                ? "further properties, each of the type the spec gives them"
                : "JSON fields the spec does not define here, kept so that they survive a read and a write");
        TypeSpec.Builder record = TypeSpec.recordBuilder(name)
                .addModifiers(Modifier.PUBLIC)
                .recordConstructor(ctor.build())
                .addJavadoc(doc.build());
        interfaces.getOrDefault(type.name(), List.of()).forEach(record::addSuperinterface);
        deprecatedAccessors.forEach(record::addMethod);
        if (type.versions().deprecated()) {
            record.addAnnotation(Deprecated.class);
        }
        return record;
    }

    private static String fieldDoc(Field f) {
        String text = f.description().isBlank() ? "the {@code " + f.name() + "} field" : Javadoc.text(f.description());
        StringBuilder doc = new StringBuilder(text.replace("\n", "\n    "));
        VersionInfo v = f.versions();
        v.addedIn().ifPresent(a -> doc.append(" (added in Matrix ").append(a).append(')'));
        if (v.deprecated()) {
            doc.append(" (deprecated)");
        }
        return doc.toString();
    }

    private TypeSpec.Builder openEnum(ClassName name, EnumType type) {
        TypeSpec.Builder spec = TypeSpec.recordBuilder(name)
                .addModifiers(Modifier.PUBLIC)
                .recordConstructor(MethodSpec.compactConstructorBuilder().addModifiers(Modifier.PUBLIC)
                        .addParameter(ParameterSpec.builder(JavaTypes.STRING, "value")
                                .addAnnotation(JavaTypes.JSON_VALUE).build())
                        .addStatement("$T.requireNonNull(value, $S)", java.util.Objects.class, "value")
                        .build())
                .addJavadoc(CodeBlock.builder()
                        .add(Javadoc.of(type.description(), VersionInfo.NONE))
                        .add("\n<p>Known values: $L. Other values are kept as they are.\n\n@param value the value as sent\n",
                                String.join(", ", type.values().stream().map(v -> "{@code " + Javadoc.text(v) + "}").toList()))
                        .build());
        NameAllocator constants = new NameAllocator();
        CodeBlock.Builder known = CodeBlock.builder();
        for (String value : type.values()) {
            String constant = constants.newName(Names.constant(value), value);
            spec.addField(FieldSpec.builder(name, constant, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                    .initializer("new $T($S)", name, value)
                    .build());
            known.add(known.isEmpty() ? "$N" : ", $N", constant);
        }
        TypeName listType = ParameterizedTypeName.get(JavaTypes.LIST, name);
        spec.addField(FieldSpec.builder(listType, "KNOWN", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("$T.of($L)", List.class, known.build())
                .build());
        spec.addMethod(MethodSpec.methodBuilder("of")
                .addJavadoc("The value for a JSON string, known or not.\n")
                .addAnnotation(AnnotationSpec.builder(JavaTypes.JSON_CREATOR)
                        .addMember("mode", "$T.Mode.DELEGATING", JavaTypes.JSON_CREATOR).build())
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(name)
                .addParameter(JavaTypes.STRING, "value")
                .addStatement("return new $T(value)", name)
                .build());
        spec.addMethod(MethodSpec.methodBuilder("known")
                .addJavadoc("The values the spec defines.\n")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(listType)
                .addStatement("return KNOWN")
                .build());
        spec.addMethod(MethodSpec.methodBuilder("isKnown")
                .addJavadoc("Whether the spec defines this value.\n")
                .addAnnotation(JavaTypes.JSON_IGNORE)
                .addModifiers(Modifier.PUBLIC)
                .returns(TypeName.BOOLEAN)
                .addStatement("return KNOWN.contains(this)")
                .build());
        spec.addMethod(MethodSpec.methodBuilder("toString")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .returns(JavaTypes.STRING)
                .addStatement("return value")
                .build());
        return spec;
    }
}
