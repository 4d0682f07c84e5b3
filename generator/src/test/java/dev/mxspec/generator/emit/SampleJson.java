package dev.mxspec.generator.emit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.generator.model.Field;
import dev.mxspec.generator.model.NamedType;
import dev.mxspec.generator.model.SpecRelease;
import dev.mxspec.generator.model.TypeRef;

/** The smallest JSON value a model type accepts: required fields only, sample scalars. */
final class SampleJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final SpecRelease release;

    SampleJson(SpecRelease release) {
        this.release = release;
    }

    JsonNode of(TypeRef type, String hint) {
        return switch (type) {
            case TypeRef.Primitive p -> switch (p.kind()) {
                case STRING -> JSON.textNode("s " + hint + "/é?#");
                case INTEGER -> JSON.numberNode(42L);
                case NUMBER -> JSON.numberNode(new java.math.BigDecimal("1.5"));
                case BOOLEAN -> JSON.booleanNode(true);
            };
            case TypeRef.Literal l -> JSON.textNode(l.value());
            case TypeRef.ArrayOf a -> JSON.arrayNode().add(of(a.items(), hint));
            case TypeRef.MapOf m -> JSON.objectNode().set("k", of(m.values(), hint));
            case TypeRef.Nullable n -> of(n.type(), hint);
            case TypeRef.Tuple t -> JSON.arrayNode();
            case TypeRef.AnyJson j -> JSON.objectNode().put("any", hint);
            case TypeRef.Binary b -> JSON.textNode("AAEC");
            case TypeRef.Named n -> switch (release.types().get(n.name())) {
                case NamedType.EnumType e -> JSON.textNode(e.values().getFirst());
                case NamedType.ObjectType o -> {
                    ObjectNode object = JSON.objectNode();
                    for (Field f : o.fields()) {
                        if (f.required()) {
                            object.set(f.name(), of(f.type(), f.name()));
                        }
                    }
                    yield object;
                }
                case NamedType.UnionType u -> of(u.options().getFirst(), hint);
            };
        };
    }
}
