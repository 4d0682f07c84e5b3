package dev.mxspec.generator.model;

import java.util.List;
import java.util.Optional;

/**
 * A named value: an object property, or a path, query or header parameter.
 *
 * @param name the JSON (or parameter) name as written in the spec
 * @param type its type
 * @param required whether it must be present
 * @param description the spec's description, empty when there is none
 * @param defaultValue the {@code default}, as canonical JSON
 * @param examples {@code example} / {@code x-example} values given for it
 * @param versions version markers
 * @param source where it is defined
 */
public record Field(
        String name,
        TypeRef type,
        boolean required,
        String description,
        Optional<String> defaultValue,
        List<Example> examples,
        VersionInfo versions,
        SourceRef source) {

    public Field {
        examples = List.copyOf(examples);
    }
}
