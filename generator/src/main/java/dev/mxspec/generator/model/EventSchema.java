package dev.mxspec.generator.model;

import java.util.List;
import java.util.Optional;

/**
 * One event schema of {@code event-schemas/schema}.
 *
 * @param file the schema file name, for example {@code m.room.message$m.text.yaml}
 * @param type the event type, for example {@code m.room.message}
 * @param variant the part after {@code $} in the file name (a {@code msgtype} or method variant)
 * @param msgtype the {@code msgtype} the variant fixes, for {@code m.room.message} variants
 * @param kind state, message, ephemeral, account data or to-device
 * @param typeName the named type of the whole event
 * @param content the type of its {@code content}
 * @param examples the matching files of {@code event-schemas/examples}
 * @param source where it is defined
 */
public record EventSchema(
        String file,
        String type,
        Optional<String> variant,
        Optional<String> msgtype,
        EventKind kind,
        String typeName,
        TypeRef content,
        List<Example> examples,
        SourceRef source) {

    public EventSchema {
        examples = List.copyOf(examples);
    }
}
