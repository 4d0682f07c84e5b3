package dev.mxspec.generator.model;

import java.util.List;
import java.util.Optional;

/** A type with a name of its own: an object with declared fields, a string enum, or a union of shapes. */
public sealed interface NamedType {

    String name();

    String description();

    SourceRef source();

    /**
     * An object with declared fields.
     *
     * @param name unique, deterministic, human name (from the title, the definition file, the event
     *     type or the place of use)
     * @param title the spec's {@code title}, if any
     * @param fields declared properties, in spec order
     * @param additionalProperties the type of further properties when the spec declares one
     *     (properties together with additionalProperties)
     * @param versions version markers on the object itself
     */
    record ObjectType(
            String name,
            Optional<String> title,
            String description,
            List<Field> fields,
            Optional<TypeRef> additionalProperties,
            VersionInfo versions,
            SourceRef source)
            implements NamedType {
        public ObjectType {
            fields = List.copyOf(fields);
        }

        public Optional<Field> field(String jsonName) {
            return fields.stream().filter(f -> f.name().equals(jsonName)).findFirst();
        }
    }

    /**
     * A string with a closed list of known values (clients keep unknown ones).
     *
     * @param values the values, in spec order
     */
    record EnumType(String name, String description, List<String> values, SourceRef source) implements NamedType {
        public EnumType {
            values = List.copyOf(values);
        }
    }

    /**
     * A value of one of several shapes ({@code oneOf}, {@code anyOf}, or a type list such as
     * {@code [string, object]}), told apart by their JSON: generated code keeps a value that fits
     * none of them as it is.
     *
     * @param options the shapes, in spec order; never nullable ({@code null} among the options makes
     *     the union's uses nullable)
     */
    record UnionType(String name, String description, List<TypeRef> options, SourceRef source) implements NamedType {
        public UnionType {
            options = List.copyOf(options);
        }
    }
}
