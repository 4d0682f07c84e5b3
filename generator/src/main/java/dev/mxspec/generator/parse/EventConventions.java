package dev.mxspec.generator.parse;

import dev.mxspec.generator.model.EventKind;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the event schemas leave to the spec's prose: the kind of events built on the plain event
 * schema, and which example files show a shared schema. Read from
 * {@code mxspec/event-conventions.yaml} on the classpath.
 *
 * @param kinds event type to kind
 * @param kindPrefixes event type prefix to kind
 * @param sharedExamples example file (relative to the examples folder) to the shared schema it shows
 */
record EventConventions(Map<String, EventKind> kinds, Map<String, EventKind> kindPrefixes, Map<String, SharedExample> sharedExamples) {

    /**
     * An example of a shared schema.
     *
     * @param schemaFileName the schema's file name, looked up anywhere under {@code event-schemas/schema}
     * @param list whether the example is a list of such values
     */
    record SharedExample(String schemaFileName, boolean list) {}

    private static final String RESOURCE = "/mxspec/event-conventions.yaml";

    static EventConventions load() {
        Map<?, ?> root = ClasspathYaml.load(RESOURCE);
        Map<String, EventKind> kinds = new TreeMap<>();
        ((Map<?, ?>) root.get("plainEventKinds")).forEach((k, v) -> kinds.put(k.toString(), kind(v)));
        Map<String, EventKind> prefixes = new TreeMap<>();
        ((Map<?, ?>) root.get("plainEventKindPrefixes")).forEach((k, v) -> prefixes.put(k.toString(), kind(v)));
        Map<String, SharedExample> shared = new TreeMap<>();
        ((Map<?, ?>) root.get("sharedExamples")).forEach((k, v) -> {
            Map<?, ?> entry = (Map<?, ?>) v;
            shared.put(k.toString(), new SharedExample(entry.get("schema").toString(), Boolean.TRUE.equals(entry.get("list"))));
        });
        return new EventConventions(Map.copyOf(kinds), Map.copyOf(prefixes), Map.copyOf(shared));
    }

    /** The kind of a plain event type, when this file knows it. */
    Optional<EventKind> kind(String type) {
        EventKind kind = kinds.get(type);
        if (kind != null) {
            return Optional.of(kind);
        }
        return kindPrefixes.entrySet().stream().filter(e -> type.startsWith(e.getKey())).map(Map.Entry::getValue).findFirst();
    }

    private static EventKind kind(Object value) {
        return EventKind.valueOf(value.toString().toUpperCase(Locale.ROOT));
    }
}
