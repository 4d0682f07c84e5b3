package dev.mxspec.generator.parse;

import dev.mxspec.generator.names.Names;
import dev.mxspec.generator.model.Diagnostic;
import dev.mxspec.generator.model.EventKind;
import dev.mxspec.generator.model.EventSchema;
import dev.mxspec.generator.model.Example;
import dev.mxspec.generator.model.TypeRef;
import dev.mxspec.generator.model.TypedExample;
import dev.mxspec.generator.parse.TypeRegistry.Context;
import dev.mxspec.generator.parse.YamlNode.YList;
import dev.mxspec.generator.parse.YamlNode.YMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads {@code event-schemas/schema}: one {@link EventSchema} per event file, with its kind and the
 * examples of {@code event-schemas/examples} that belong to it.
 */
final class EventReader {

    private static final EventConventions CONVENTIONS = EventConventions.load();

    private final SpecFiles files;
    private final SchemaFlattener schemas;
    private final TypeRegistry types;
    private final ExampleReader examples;
    private final Consumer<Diagnostic> diagnostics;

    EventReader(SpecFiles files, SchemaFlattener schemas, TypeRegistry types, ExampleReader examples, Consumer<Diagnostic> diagnostics) {
        this.files = files;
        this.schemas = schemas;
        this.types = types;
        this.examples = examples;
        this.diagnostics = diagnostics;
    }

    /** Reads every schema file; fills {@code shared} with the examples of shared schemas. */
    List<EventSchema> read(Path schemaDir, Path exampleDir, List<Path> schemaFiles, List<Path> exampleFiles, List<TypedExample> shared) {
        Map<String, List<Example>> examplesByStem = new java.util.TreeMap<>();
        Map<String, Path> schemasByName = new java.util.TreeMap<>();
        for (Path file : schemaFiles(schemaDir)) {
            schemasByName.putIfAbsent(file.getFileName().toString(), file);
        }
        for (Path file : exampleFiles) {
            String relative = exampleDir.relativize(file).toString().replace('\\', '/');
            EventConventions.SharedExample sharedSchema = CONVENTIONS.sharedExamples().get(relative);
            Example example = examples.example(files.load(file));
            if (sharedSchema != null) {
                Path schemaFile = schemasByName.get(sharedSchema.schemaFileName());
                if (schemaFile == null) {
                    diagnostics.accept(Diagnostic.warning(example.source(), "example of the shared schema "
                            + sharedSchema.schemaFileName() + ", which this release does not have; not checked"));
                    continue;
                }
                RawSchema schema = schemas.file(schemaFile);
                TypeRef type = types.type(schema, Context.of(Names.fileName(sharedSchema.schemaFileName())));
                shared.add(new TypedExample(sharedSchema.list() ? new TypeRef.ArrayOf(type) : type, example));
            } else {
                examplesByStem.computeIfAbsent(stem(relative), k -> new ArrayList<>()).add(example);
            }
        }
        List<EventSchema> events = new ArrayList<>();
        for (Path file : schemaFiles) {
            read(file, examplesByStem).ifPresent(events::add);
        }
        examplesByStem.forEach((stem, list) -> list.forEach(example -> diagnostics.accept(Diagnostic.error(example.source(),
                "example '" + stem + "' matches no event schema"))));
        return events;
    }

    private Optional<EventSchema> read(Path file, Map<String, List<Example>> examplesByStem) {
        String fileName = file.getFileName().toString();
        String stem = stem(fileName);
        RawSchema schema = schemas.file(file);
        int dollar = stem.indexOf('$');
        String typeFromFile = dollar < 0 ? stem : stem.substring(0, dollar);
        RawSchema typeProperty = schema.properties.get("type");
        List<String> declared = typeProperty == null ? List.of() : typeProperty.enumValues;
        if (declared.isEmpty() && baseSchema(files.load(file)).isEmpty()) {
            // A shared part of event schemas (such as m.key.verification.m.relates_to): a type, not an event.
            types.type(schema, Context.of(Names.fileName(fileName)));
            return Optional.empty();
        }
        // The event type is the file's, unless the schema fixes a single other one.
        String type = declared.size() == 1 ? declared.getFirst() : typeFromFile;
        if (!declared.isEmpty() && !declared.contains(type)) {
            diagnostics.accept(Diagnostic.warning(schema.source, "the schema's 'type' values " + declared
                    + " do not include the file's event type '" + typeFromFile + "'"));
        }
        Optional<String> variant = dollar < 0 ? Optional.empty() : Optional.of(stem.substring(dollar + 1));
        if (!stem.equals(type) && !stem.startsWith(type + "$")) {
            diagnostics.accept(Diagnostic.warning(schema.source, "file name does not start with the event type '" + type + "'"));
        }
        String name = Names.eventName(type) + variant.map(Names::eventName).orElse("") + "Event";
        RawSchema event = schema.copy();
        RawSchema content = event.properties.get("content");
        if (content != null) {
            content = content.copy();
            content.title = null;
            content.definitionFile = null;
            event.properties.put("content", content);
        } else {
            diagnostics.accept(Diagnostic.error(schema.source, "event schema without 'content'"));
        }
        TypeRef eventType = types.type(event, new Context(name, true));
        TypeRef contentType = content == null
                ? TypeRef.anyObject()
                : types.type(content, Context.of(name + "Content"));
        Optional<String> msgtype = Optional.empty();
        if (content != null && content.properties.get("msgtype") != null && variant.isPresent()) {
            List<String> values = content.properties.get("msgtype").enumValues;
            msgtype = values.size() == 1 ? Optional.of(values.getFirst()) : Optional.empty();
        }
        EventKind kind = kind(file, type, schema);
        List<Example> found = examplesByStem.remove(stem);
        if (found == null) {
            found = List.of();
        }
        // Examples named after a variant of a schema that has no file of its own (m.room.member$invite_room_state).
        List<Example> all = new ArrayList<>(found);
        if (variant.isEmpty()) {
            for (String key : List.copyOf(examplesByStem.keySet())) {
                if (key.startsWith(type + "$") && !key.equals(stem)) {
                    boolean hasOwnSchema = java.nio.file.Files.isRegularFile(file.resolveSibling(key + ".yaml"));
                    if (!hasOwnSchema) {
                        all.addAll(examplesByStem.remove(key));
                    }
                }
            }
        }
        return Optional.of(new EventSchema(fileName, type, variant, msgtype, kind,
                ((TypeRef.Named) eventType).name(), contentType, all, schema.source));
    }

    private EventKind kind(Path file, String type, RawSchema schema) {
        String base = baseSchema(files.load(file));
        if (base.equals("state_event.yaml") || schema.properties.containsKey("state_key")) {
            return EventKind.STATE;
        }
        if (base.equals("room_event.yaml")) {
            return EventKind.MESSAGE;
        }
        EventKind kind = CONVENTIONS.kind(type).orElse(null);
        if (kind == null) {
            diagnostics.accept(Diagnostic.error(schema.source, "the kind of event '" + type
                    + "' (account data, ephemeral, to-device) is not known (it is built on the plain event schema and "
                    + "mxspec/event-conventions.yaml does not name it); read as ephemeral"));
            kind = EventKind.EPHEMERAL;
        }
        return kind;
    }

    /** The core schema an event file builds on, from its {@code allOf}. */
    private static String baseSchema(YamlNode root) {
        if (root instanceof YMap map && map.get("allOf").orElse(null) instanceof YList parts) {
            for (YamlNode part : parts.items()) {
                if (part instanceof YMap p && p.string("$ref").isPresent()) {
                    String ref = p.string("$ref").get();
                    return ref.substring(ref.lastIndexOf('/') + 1);
                }
            }
        }
        return "";
    }

    private static List<Path> schemaFiles(Path dir) {
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(dir)) {
            return s.filter(java.nio.file.Files::isRegularFile).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String stem(String fileName) {
        int slash = fileName.lastIndexOf('/');
        String base = fileName.substring(slash + 1);
        int dot = base.endsWith(".yaml") || base.endsWith(".json") ? base.length() - 5 : base.length();
        return base.substring(0, dot);
    }
}
