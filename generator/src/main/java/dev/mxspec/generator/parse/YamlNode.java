package dev.mxspec.generator.parse;

import dev.mxspec.generator.model.SourceRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A YAML (or JSON) document node as published, with the file and line it came from.
 * Mapping keys keep their order; scalars keep their resolved YAML type.
 */
public sealed interface YamlNode {

    SourceRef source();

    /** A mapping; keys are the scalar text of the YAML keys, in document order. */
    record YMap(Map<String, YamlNode> entries, SourceRef source) implements YamlNode {
        public YMap {
            entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
        }

        public Optional<YamlNode> get(String key) {
            return Optional.ofNullable(entries.get(key));
        }

        public boolean has(String key) {
            return entries.containsKey(key);
        }

        public Optional<String> string(String key) {
            return get(key).flatMap(YamlNode::asText);
        }

        public Optional<YMap> map(String key) {
            return get(key).filter(YMap.class::isInstance).map(YMap.class::cast);
        }

        public Optional<YList> list(String key) {
            return get(key).filter(YList.class::isInstance).map(YList.class::cast);
        }
    }

    /** A sequence. */
    record YList(List<YamlNode> items, SourceRef source) implements YamlNode {
        public YList {
            items = List.copyOf(items);
        }
    }

    /**
     * A scalar. {@code value} is a {@link String}, {@link Boolean}, {@link java.math.BigInteger},
     * {@link java.math.BigDecimal} or {@code null}; {@code text} is the scalar as written.
     */
    record YScalar(Object value, String text, SourceRef source) implements YamlNode {}

    /** The scalar's text when this is a non-null scalar, whatever its YAML type. */
    default Optional<String> asText() {
        return this instanceof YScalar s && s.value() != null ? Optional.of(s.text()) : Optional.empty();
    }

    /** A short name of the node's kind, for messages. */
    default String kind() {
        return switch (this) {
            case YMap m -> "a mapping";
            case YList l -> "a list";
            case YScalar s -> s.value() == null ? "null" : "the scalar '" + s.text() + "'";
        };
    }
}
