package dev.mxspec.generator.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import dev.mxspec.generator.model.TypeRef;

/** Java types for the model's types. */
final class JavaTypes {

    static final ClassName STRING = ClassName.get(String.class);
    static final ClassName LONG = ClassName.get(Long.class);
    static final ClassName BOOLEAN = ClassName.get(Boolean.class);
    static final ClassName DECIMAL = ClassName.get(java.math.BigDecimal.class);
    static final ClassName LIST = ClassName.get(java.util.List.class);
    static final ClassName MAP = ClassName.get(java.util.Map.class);
    static final ClassName OPTIONAL = ClassName.get(java.util.Optional.class);
    static final ClassName JSON_NODE = ClassName.get("com.fasterxml.jackson.databind", "JsonNode");
    static final ClassName JSON_PROPERTY = ClassName.get("com.fasterxml.jackson.annotation", "JsonProperty");
    static final ClassName JSON_ANY_SETTER = ClassName.get("com.fasterxml.jackson.annotation", "JsonAnySetter");
    static final ClassName JSON_ANY_GETTER = ClassName.get("com.fasterxml.jackson.annotation", "JsonAnyGetter");
    static final ClassName JSON_VALUE = ClassName.get("com.fasterxml.jackson.annotation", "JsonValue");
    static final ClassName JSON_CREATOR = ClassName.get("com.fasterxml.jackson.annotation", "JsonCreator");
    static final ClassName JSON_INCLUDE = ClassName.get("com.fasterxml.jackson.annotation", "JsonInclude");
    static final ClassName JSON_IGNORE = ClassName.get("com.fasterxml.jackson.annotation", "JsonIgnore");
    static final ClassName MATRIX_JSON = ClassName.get("dev.mxspec.runtime.json", "MatrixJson");
    static final ClassName JSON_DESERIALIZE = ClassName.get("com.fasterxml.jackson.databind.annotation", "JsonDeserialize");
    static final ClassName NULLABLE = ClassName.get("dev.mxspec.runtime.json", "Nullable");
    static final ClassName ENDPOINT = ClassName.get("dev.mxspec.runtime.api", "Endpoint");
    static final ClassName MATRIX_EXCEPTION = ClassName.get("dev.mxspec.runtime.api", "MatrixException");
    static final ClassName MEDIA = ClassName.get("dev.mxspec.runtime.api", "Media");
    static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");

    private final JavaLayout layout;

    JavaTypes(JavaLayout layout) {
        this.layout = layout;
    }

    /** The Java type of a value of this model type. Nullable values are plain (the field says whether null may come); tuples and open JSON are JSON. */
    TypeName of(TypeRef type) {
        return switch (type) {
            case TypeRef.Primitive p -> switch (p.kind()) {
                case STRING -> STRING;
                case INTEGER -> LONG;
                case NUMBER -> DECIMAL;
                case BOOLEAN -> BOOLEAN;
            };
            case TypeRef.Literal l -> STRING;
            case TypeRef.ArrayOf a -> ParameterizedTypeName.get(LIST, of(a.items()));
            case TypeRef.MapOf m -> ParameterizedTypeName.get(MAP, STRING, of(m.values()));
            case TypeRef.Named n -> layout.typeClass(n.name());
            case TypeRef.Nullable n -> of(n.type());
            case TypeRef.Tuple t -> JSON_NODE;
            case TypeRef.AnyJson j -> JSON_NODE;
            case TypeRef.Binary b -> ArrayTypeName.of(TypeName.BYTE);
        };
    }

    static TypeName optional(TypeName type) {
        return ParameterizedTypeName.get(OPTIONAL, type);
    }
}
