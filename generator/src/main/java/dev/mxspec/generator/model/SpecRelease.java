package dev.mxspec.generator.model;

import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The whole of one Matrix spec release: its five APIs, its event schemas, every named type and what
 * the reader noticed on the way. Immutable and deterministic: lists are sorted, maps are sorted.
 *
 * @param version the release, for example {@code v1.7} (the folder name), or {@code unknown}
 * @param apis the APIs present, in {@link ApiKind} order
 * @param events event schemas sorted by file name
 * @param types every named type by name
 * @param sharedExamples examples of schemas that are not an event, field or body: core event shapes,
 *     stripped state lists, array items, map values, response schemas
 * @param diagnostics sorted by file and line
 */
public record SpecRelease(
        String version,
        List<Api> apis,
        List<EventSchema> events,
        SortedMap<String, NamedType> types,
        List<TypedExample> sharedExamples,
        List<Diagnostic> diagnostics) {

    public SpecRelease {
        apis = List.copyOf(apis);
        events = List.copyOf(events);
        types = Collections.unmodifiableSortedMap(new TreeMap<>(types));
        sharedExamples = List.copyOf(sharedExamples);
        diagnostics = List.copyOf(diagnostics);
    }

    public Optional<Api> api(ApiKind kind) {
        return apis.stream().filter(a -> a.kind() == kind).findFirst();
    }

    /** Every operation of every API. */
    public List<Operation> operations() {
        return apis.stream().flatMap(a -> a.operations().stream()).toList();
    }

    /** The operation with this method and full path, in any API. */
    public Optional<Operation> operation(String method, String path) {
        return operations().stream().filter(o -> o.method().equals(method) && o.path().equals(path)).findFirst();
    }

    public Optional<NamedType> type(String name) {
        return Optional.ofNullable(types.get(name));
    }

    public Optional<EventSchema> event(String file) {
        return events.stream().filter(e -> e.file().equals(file)).findFirst();
    }

    /** The object type of a reference, when it names one. */
    public Optional<NamedType.ObjectType> objectType(TypeRef ref) {
        return ref instanceof TypeRef.Named n && types.get(n.name()) instanceof NamedType.ObjectType o
                ? Optional.of(o)
                : Optional.empty();
    }
}
