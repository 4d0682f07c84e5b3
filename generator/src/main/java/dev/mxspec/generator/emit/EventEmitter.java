package dev.mxspec.generator.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.NameAllocator;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import com.palantir.javapoet.TypeVariableName;
import com.palantir.javapoet.WildcardTypeName;
import dev.mxspec.generator.model.EventKind;
import dev.mxspec.generator.model.EventSchema;
import dev.mxspec.generator.model.Field;
import dev.mxspec.generator.model.NamedType.ObjectType;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.model.TypeRef;
import dev.mxspec.generator.names.Names;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.lang.model.element.Modifier;

/**
 * Event content grouped by kind: an interface per kind that the content records implement, a raw
 * fallback that keeps the JSON of unknown types and variants, the event type constants, and
 * {@code Events.content(type, json)} dispatching on {@code type} and, where a type has variants
 * ({@code m.room.message} on {@code msgtype}), on the variant's field.
 */
final class EventEmitter {

    private final SpecRelease release;
    private final JavaLayout layout;
    private final String pkg;
    private final ClassName root;
    private final ClassName raw;
    private final ClassName kindEnum;

    EventEmitter(SpecRelease release, JavaLayout layout, JavaTypes types) {
        this.release = release;
        this.layout = layout;
        this.pkg = layout.eventsPackage();
        this.root = ClassName.get(pkg, "EventContent");
        this.raw = ClassName.get(pkg, "RawEventContent");
        this.kindEnum = ClassName.get(pkg, "EventKind");
    }

    ClassName kindInterface(EventKind kind) {
        return ClassName.get(pkg, Names.pascal(kind.name().toLowerCase(Locale.ROOT)) + "EventContent");
    }

    /** The kind interfaces each content type implements. */
    Map<String, List<ClassName>> contentInterfaces() {
        Map<String, List<ClassName>> result = new TreeMap<>();
        for (EventSchema e : release.events()) {
            if (e.content() instanceof TypeRef.Named n && !layout.isMapped(n.name())) {
                List<ClassName> list = result.computeIfAbsent(n.name(), k -> new ArrayList<>());
                ClassName kind = kindInterface(e.kind());
                if (!list.contains(kind)) {
                    list.add(kind);
                }
            }
        }
        return result;
    }

    List<JavaFile> files() {
        List<JavaFile> files = new ArrayList<>();
        files.add(file(TypeSpec.interfaceBuilder(root).addModifiers(Modifier.PUBLIC)
                .addJavadoc("The content of an event, typed where the spec defines the event type.\n").build()));
        TypeSpec.Builder kinds = TypeSpec.enumBuilder(kindEnum).addModifiers(Modifier.PUBLIC)
                .addJavadoc("How an event travels.\n");
        for (EventKind kind : EventKind.values()) {
            kinds.addEnumConstant(kind.name());
            files.add(file(TypeSpec.interfaceBuilder(kindInterface(kind)).addModifiers(Modifier.PUBLIC)
                    .addSuperinterface(root)
                    .addJavadoc("Content of $L events.\n", kind.name().toLowerCase(Locale.ROOT).replace('_', ' '))
                    .build()));
        }
        files.add(file(kinds.build()));
        TypeSpec.Builder rawRecord = TypeSpec.recordBuilder(raw).addModifiers(Modifier.PUBLIC)
                .recordConstructor(MethodSpec.compactConstructorBuilder().addModifiers(Modifier.PUBLIC)
                        .addParameter(JavaTypes.STRING, "type")
                        .addParameter(com.palantir.javapoet.ParameterSpec.builder(JavaTypes.JSON_NODE, "json")
                                .addAnnotation(JavaTypes.JSON_VALUE).build())
                        .build())
                .addJavadoc("Content kept as JSON: of an event type or variant this release does not define, or that did"
                        + " not fit its schema. Written as JSON, it is the content itself.\n\n@param type the event type\n"
                        + "@param json the content as received\n");
        for (EventKind kind : EventKind.values()) {
            rawRecord.addSuperinterface(kindInterface(kind));
        }
        files.add(file(rawRecord));
        files.add(file(eventTypes()));
        files.add(file(events()));
        return files;
    }

    private TypeSpec eventTypes() {
        TypeSpec.Builder spec = TypeSpec.classBuilder("EventTypes").addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addJavadoc("The event types of Matrix spec $L.\n", release.version())
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
        NameAllocator names = new NameAllocator();
        for (String type : types().keySet()) {
            spec.addField(FieldSpec.builder(JavaTypes.STRING, names.newName(Names.constant(type), type),
                    Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL).initializer("$S", type).build());
        }
        return spec.build();
    }

    /** Event type to its schemas (the plain one first, then variants). */
    private Map<String, List<EventSchema>> types() {
        Map<String, List<EventSchema>> byType = new TreeMap<>();
        for (EventSchema e : release.events()) {
            byType.computeIfAbsent(e.type(), k -> new ArrayList<>()).add(e);
        }
        byType.values().forEach(l -> l.sort(java.util.Comparator.comparing((EventSchema e) -> e.variant().isPresent())
                .thenComparing(EventSchema::file)));
        return byType;
    }

    private TypeSpec events() {
        TypeVariableName t = TypeVariableName.get("T");
        TypeSpec.Builder spec = TypeSpec.classBuilder("Events").addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addJavadoc("Typed event content for the event types of Matrix spec $L.\n", release.version())
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
        CodeBlock.Builder kindSwitch = CodeBlock.builder().add("return switch (type) {\n").indent();
        CodeBlock.Builder contentSwitch = CodeBlock.builder().add("return switch (type) {\n").indent();
        for (Map.Entry<String, List<EventSchema>> entry : types().entrySet()) {
            String type = entry.getKey();
            List<EventSchema> schemas = entry.getValue();
            kindSwitch.add("case $S -> $T.of($T.$L);\n", type, Optional.class, kindEnum, schemas.getFirst().kind().name());
            Optional<EventSchema> plain = schemas.stream().filter(e -> e.variant().isEmpty()).findFirst();
            List<EventSchema> variants = schemas.stream().filter(e -> e.variant().isPresent()).toList();
            Optional<String> discriminator = discriminator(variants);
            CodeBlock fallback = plain.map(this::read).orElse(CodeBlock.of("new $T(type, content)", raw));
            if (discriminator.isEmpty()) {
                contentSwitch.add("case $S -> $L;\n", type, fallback);
                continue;
            }
            contentSwitch.add("case $S -> switch (content.path($S).asText(\"\")) {\n", type, discriminator.get()).indent();
            for (EventSchema v : variants) {
                // The variant's content, else the plain content when the variant's does not fit.
                contentSwitch.add("case $S -> $L;\n", v.variant().get(), plain.map(p -> read(v, p)).orElse(read(v)));
            }
            contentSwitch.add("default -> $L;\n", fallback).unindent().add("};\n");
        }
        kindSwitch.add("default -> $T.empty();\n", Optional.class).unindent().add("};\n");
        contentSwitch.add("default -> new $T(type, content);\n", raw).unindent().add("};\n");
        spec.addMethod(MethodSpec.methodBuilder("kind").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("The kind of a known event type.\n")
                .returns(ParameterizedTypeName.get(JavaTypes.OPTIONAL, kindEnum))
                .addParameter(JavaTypes.STRING, "type")
                .addCode(kindSwitch.build())
                .build());
        spec.addMethod(MethodSpec.methodBuilder("content").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("The typed content of an event of this type; {@link $T} for unknown types, unknown"
                        + " variants and content that does not fit its schema.\n", raw)
                .returns(root)
                .addParameter(JavaTypes.STRING, "type")
                .addParameter(JavaTypes.JSON_NODE, "content")
                .addCode(contentSwitch.build())
                .build());
        spec.addMethod(MethodSpec.methodBuilder("read").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addAnnotation(SafeVarargs.class)
                .addJavadoc("The content as the first of the types it fits, else raw.\n")
                .addTypeVariable(TypeVariableName.get("T", root))
                .returns(root)
                .addParameter(JavaTypes.STRING, "type")
                .addParameter(JavaTypes.JSON_NODE, "content")
                .addParameter(ArrayTypeName.of(ParameterizedTypeName.get(ClassName.get(Class.class), WildcardTypeName.subtypeOf(t))), "candidates")
                .varargs(true)
                .beginControlFlow("for ($T<? extends T> candidate : candidates)", Class.class)
                .beginControlFlow("try")
                .addStatement("return $T.convert(content, candidate)", JavaTypes.MATRIX_JSON)
                .nextControlFlow("catch ($T | $T e)", ClassName.get("com.fasterxml.jackson.core", "JsonProcessingException"),
                        IllegalArgumentException.class)
                .addComment("does not fit: try the next")
                .endControlFlow()
                .endControlFlow()
                .addStatement("return new $T(type, content)", raw)
                .build());
        return spec.build();
    }

    private CodeBlock read(EventSchema e) {
        if (e.content() instanceof TypeRef.Named n && !layout.isMapped(n.name())) {
            return CodeBlock.of("read(type, content, $T.class)", layout.typeClass(n.name()));
        }
        return CodeBlock.of("new $T(type, content)", raw);
    }

    private CodeBlock read(EventSchema variant, EventSchema plain) {
        if (variant.content() instanceof TypeRef.Named v && plain.content() instanceof TypeRef.Named p
                && !layout.isMapped(v.name()) && !layout.isMapped(p.name())) {
            return CodeBlock.of("read(type, content, $T.class, $T.class)", layout.typeClass(v.name()), layout.typeClass(p.name()));
        }
        return read(variant);
    }

    /** The content field that tells variants apart: the one each variant fixes to its own name ({@code msgtype}, {@code method}). */
    private Optional<String> discriminator(List<EventSchema> variants) {
        if (variants.isEmpty()) {
            return Optional.empty();
        }
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (EventSchema v : variants) {
            release.objectType(v.content()).ifPresent(content -> {
                for (Field f : content.fields()) {
                    if (f.type() instanceof TypeRef.Literal l && l.value().equals(v.variant().get())) {
                        votes.merge(f.name(), 1, Integer::sum);
                    }
                }
            });
        }
        return votes.entrySet().stream().filter(en -> en.getValue() == variants.size()).map(Map.Entry::getKey).findFirst();
    }

    private JavaFile file(TypeSpec type) {
        return GeneratedFiles.file(pkg, type.toBuilder(), release.version());
    }

    private JavaFile file(TypeSpec.Builder type) {
        return GeneratedFiles.file(pkg, type, release.version());
    }

}
