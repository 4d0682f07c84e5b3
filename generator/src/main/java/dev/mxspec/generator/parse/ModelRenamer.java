package dev.mxspec.generator.parse;

import dev.mxspec.generator.model.Api;
import dev.mxspec.generator.model.EndpointGroup;
import dev.mxspec.generator.model.EventSchema;
import dev.mxspec.generator.model.Field;
import dev.mxspec.generator.model.NamedType;
import dev.mxspec.generator.model.NamedType.EnumType;
import dev.mxspec.generator.model.NamedType.ObjectType;
import dev.mxspec.generator.model.NamedType.UnionType;
import dev.mxspec.generator.model.Operation;
import dev.mxspec.generator.model.TypeRef;
import dev.mxspec.generator.model.TypedExample;
import java.util.List;
import java.util.Map;

/** Replaces provisional type ids by final names throughout the model. */
final class ModelRenamer {

    private final Map<String, String> names;

    ModelRenamer(Map<String, String> names) {
        this.names = names;
    }

    String name(String id) {
        return names.getOrDefault(id, id);
    }

    TypeRef type(TypeRef ref) {
        return switch (ref) {
            case TypeRef.Named n -> new TypeRef.Named(name(n.name()));
            case TypeRef.ArrayOf a -> new TypeRef.ArrayOf(type(a.items()));
            case TypeRef.Tuple t -> new TypeRef.Tuple(t.items().stream().map(this::type).toList());
            case TypeRef.Binary b -> b;
            case TypeRef.MapOf m -> new TypeRef.MapOf(type(m.values()), m.keyPattern(), m.keyName());
            case TypeRef.Nullable n -> new TypeRef.Nullable(type(n.type()));
            case TypeRef.Primitive p -> p;
            case TypeRef.Literal l -> l;
            case TypeRef.AnyJson j -> j;
        };
    }

    Field field(Field f) {
        return new Field(f.name(), type(f.type()), f.required(), f.description(), f.defaultValue(), f.examples(), f.versions(), f.source());
    }

    List<Field> fields(List<Field> fields) {
        return fields.stream().map(this::field).toList();
    }

    NamedType namedType(NamedType t) {
        return switch (t) {
            case ObjectType o -> new ObjectType(name(o.name()), o.title(), o.description(), fields(o.fields()),
                    o.additionalProperties().map(this::type), o.versions(), o.source());
            case EnumType e -> new EnumType(name(e.name()), e.description(), e.values(), e.source());
            case UnionType u -> new UnionType(name(u.name()), u.description(), u.options().stream().map(this::type).toList(), u.source());
        };
    }

    Api api(Api api) {
        return new Api(api.kind(), api.groups().stream()
                .map(g -> new EndpointGroup(g.name(), g.title(), g.operations().stream().map(this::operation).toList()))
                .toList());
    }

    Operation operation(Operation o) {
        return new Operation(o.operationId(), o.method(), o.path(), o.summary(), o.description(), o.tags(),
                o.consumes(), o.produces(),
                fields(o.pathParams()), fields(o.queryParams()), fields(o.headerParams()),
                o.body().map(b -> new Operation.Body(b.name(), type(b.type()), b.required(), b.description(), b.examples())),
                o.responses().stream().map(r -> new Operation.Response(r.status(), r.range(), r.description(), r.type().map(this::type),
                        fields(r.headers()), r.examples())).toList(),
                o.security(), o.rateLimited(), o.versions(), o.source());
    }

    EventSchema event(EventSchema e) {
        return new EventSchema(e.file(), e.type(), e.variant(), e.msgtype(), e.kind(), name(e.typeName()), type(e.content()),
                e.examples(), e.source());
    }

    TypedExample example(TypedExample e) {
        return new TypedExample(type(e.type()), e.example());
    }
}
