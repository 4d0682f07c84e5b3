package dev.mxspec.generator.emit;

import com.palantir.javapoet.NameAllocator;
import dev.mxspec.generator.model.Field;
import dev.mxspec.generator.model.Operation;
import dev.mxspec.generator.model.TypeRef;
import dev.mxspec.generator.names.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The components of an operation's request record, shared by the endpoint, server and client emitters. */
record RequestShape(List<Component> components) {

    /** Where a request value travels. */
    enum Location { PATH, QUERY, HEADER, BODY }

    /**
     * One component of the request record.
     *
     * @param name the Java name
     * @param wireName the parameter name, or the body parameter's name
     * @param location where it travels
     * @param type its type
     * @param required whether it must be given
     * @param description the spec's description
     */
    record Component(String name, String wireName, Location location, TypeRef type, boolean required, String description) {

        /** {@code fields...}: any further query parameters. */
        boolean isOtherQuery() {
            return location == Location.QUERY && wireName.endsWith("...");
        }

        /** A list-valued query parameter (repeated in the query string). */
        boolean isList() {
            return type instanceof TypeRef.ArrayOf;
        }

        /** Held as Optional in the record: optional parameters and bodies, but not lists or maps. */
        boolean optional() {
            return !required && !isList() && !isOtherQuery();
        }
    }

    static RequestShape of(Operation op) {
        NameAllocator names = new NameAllocator();
        List<Component> components = new ArrayList<>();
        add(components, names, op.pathParams(), Location.PATH, true);
        add(components, names, op.queryParams(), Location.QUERY, false);
        add(components, names, op.headerParams(), Location.HEADER, false);
        op.body().ifPresent(b -> components.add(new Component(names.newName("body", "body"), b.name(), Location.BODY,
                op.binaryBody() ? new TypeRef.Binary() : b.type(), b.required(), b.description())));
        return new RequestShape(components);
    }

    private static void add(List<Component> out, NameAllocator names, List<Field> fields, Location location, boolean forceRequired) {
        for (Field f : fields) {
            String base = f.name().endsWith("...") ? "otherQueryParams" : Names.camel(f.name());
            out.add(new Component(names.newName(base, f), f.name(), location, f.type(), forceRequired || f.required(), f.description()));
        }
    }

    Optional<Component> body() {
        return components.stream().filter(c -> c.location() == Location.BODY).findFirst();
    }

    List<Component> at(Location location) {
        return components.stream().filter(c -> c.location() == location).toList();
    }
}
