package dev.mxspec.runtime.server;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.mxspec.runtime.json.MatrixJson;

/**
 * The JSON setup a server reads requests with: {@link MatrixJson}'s, with every coercion turned off
 * (no string from a number or boolean, no number or boolean from a string, no integer from a float,
 * no single value as a list, no empty string as {@code null}), {@code null} refused for primitives,
 * duplicate keys and trailing text refused. What a client sends must already have the type the
 * spec gives it.
 */
public final class StrictServerJson {

    private static final ObjectMapper MAPPER = build();

    private StrictServerJson() {}

    /** The shared, thread-safe strict mapper. Do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper build() {
        JsonMapper.Builder builder = ((JsonMapper) MatrixJson.mapper()).rebuild()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .disable(DeserializationFeature.ACCEPT_EMPTY_STRING_AS_NULL_OBJECT)
                .disable(DeserializationFeature.ACCEPT_EMPTY_ARRAY_AS_NULL_OBJECT)
                .disable(DeserializationFeature.UNWRAP_SINGLE_VALUE_ARRAYS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
        builder.withCoercionConfigDefaults(c -> {
            for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float,
                    CoercionInputShape.Boolean, CoercionInputShape.String, CoercionInputShape.EmptyString,
                    CoercionInputShape.EmptyArray, CoercionInputShape.EmptyObject}) {
                c.setCoercion(shape, CoercionAction.Fail);
            }
            c.setAcceptBlankAsEmpty(false);
        });
        for (LogicalType type : new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Float, LogicalType.Boolean,
                LogicalType.Collection, LogicalType.Map, LogicalType.POJO, LogicalType.Enum}) {
            builder.withCoercionConfig(type, c -> {
                for (CoercionInputShape shape : CoercionInputShape.values()) {
                    if (!natural(type, shape)) {
                        c.setCoercion(shape, CoercionAction.Fail);
                    }
                }
                c.setAcceptBlankAsEmpty(false);
            });
        }
        return builder.build();
    }

    /** The input shapes a type is read from without coercion. */
    private static boolean natural(LogicalType type, CoercionInputShape shape) {
        return switch (type) {
            case Textual, Enum -> shape == CoercionInputShape.String || shape == CoercionInputShape.EmptyString;
            case Integer -> shape == CoercionInputShape.Integer;
            case Float -> shape == CoercionInputShape.Integer || shape == CoercionInputShape.Float;
            case Boolean -> shape == CoercionInputShape.Boolean;
            case Collection -> shape == CoercionInputShape.Array || shape == CoercionInputShape.EmptyArray;
            case Map, POJO -> shape == CoercionInputShape.Object || shape == CoercionInputShape.EmptyObject;
            default -> true;
        };
    }
}
