package dev.mxspec.generator.parse;

import dev.mxspec.generator.model.SourceRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Objects an API file leaves open although the spec gives their fields elsewhere (a definition file
 * the API file does not refer to, a table of the prose), by file and title. Read from
 * {@code mxspec/open-objects.yaml} on the classpath.
 *
 * @param shapes API file (relative to the release's data folder) to title to shape
 */
record OpenObjects(Map<String, Map<String, Shape>> shapes) {

    /**
     * Where the fields of an open object are given.
     *
     * @param ref a file of the release, relative to the API file, or null
     * @param schema the shape as a plain JSON schema, or null
     */
    record Shape(String ref, Map<?, ?> schema) {}

    private static final String RESOURCE = "/mxspec/open-objects.yaml";

    static OpenObjects load() {
        Map<String, Map<String, Shape>> shapes = new TreeMap<>();
        ClasspathYaml.load(RESOURCE).forEach((file, byTitle) -> ((Map<?, ?>) byTitle).forEach((title, entry) -> {
            Map<?, ?> e = (Map<?, ?>) entry;
            shapes.computeIfAbsent(file.toString(), f -> new TreeMap<>())
                    .put(title.toString(), new Shape((String) e.get("ref"), (Map<?, ?>) e.get("schema")));
        }));
        return new OpenObjects(Map.copyOf(shapes));
    }

    /** The shape given for an open object with this title in this file, if any. */
    Optional<Shape> shape(String file, String title) {
        return Optional.ofNullable(shapes.getOrDefault(file, Map.of()).get(title));
    }

    /** Whether a schema is an object with nothing but a title and a description. */
    static boolean isOpen(RawSchema s) {
        return s.title != null && s.types.equals(List.of("object")) && s.properties.isEmpty() && s.additionalProperties == null
                && s.patternProperties.isEmpty() && s.oneOf.isEmpty() && s.enumValues.isEmpty();
    }

    /** A plain JSON schema as the reader's working form, every part attributed to {@code source}. */
    static RawSchema schema(Map<?, ?> plain, SourceRef source) {
        RawSchema s = new RawSchema(source);
        plain.forEach((key, value) -> {
            switch (key.toString()) {
                case "type" -> s.types = value instanceof List<?> l ? l.stream().map(Object::toString).toList() : List.of(value.toString());
                case "title" -> s.title = value.toString();
                case "description" -> s.description = value.toString();
                case "properties" -> ((Map<?, ?>) value).forEach((name, p) -> s.properties.put(name.toString(), schema((Map<?, ?>) p, source)));
                case "required" -> ((List<?>) value).forEach(name -> s.required.add(name.toString()));
                case "items" -> s.items = schema((Map<?, ?>) value, source);
                case "additionalProperties" -> s.additionalProperties = schema((Map<?, ?>) value, source);
                default -> throw new IllegalStateException(RESOURCE + ": schema keyword '" + key + "' is not read here");
            }
        });
        return s;
    }
}
