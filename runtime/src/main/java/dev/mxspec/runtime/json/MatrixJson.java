package dev.mxspec.runtime.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.module.blackbird.BlackbirdModule;
import java.util.Optional;

/**
 * The JSON setup every generated type is read and written with: absent optional fields are left
 * out, unknown fields are kept (by the types themselves), numbers keep their exact value.
 */
public final class MatrixJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(new BlackbirdModule()) // accessors through method handles rather than reflection
            .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_ABSENT, JsonInclude.Include.NON_ABSENT))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private MatrixJson() {}

    /** The shared, thread-safe mapper. Do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Reads JSON text into a type; a {@link JsonProcessingException} says what did not fit, and where. */
    public static <T> T read(String json, Class<T> type) throws JsonProcessingException {
        return MAPPER.readValue(json, type);
    }

    /** Reads a JSON tree into a type. */
    public static <T> T convert(JsonNode json, Class<T> type) throws JsonProcessingException {
        return MAPPER.treeToValue(json, type);
    }

    /**
     * Reads a JSON tree into a type, or nothing when it does not fit: how generated unions try their
     * shapes one after the other.
     */
    public static <T> Optional<T> attempt(JsonNode json, Class<T> type) {
        try {
            return Optional.ofNullable(MAPPER.treeToValue(json, type));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** {@link #attempt(JsonNode, Class)} for generic types (lists, maps). */
    public static <T> Optional<T> attempt(JsonNode json, TypeReference<T> type) {
        try {
            return Optional.ofNullable(MAPPER.readerFor(type).readValue(json));
        } catch (java.io.IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The UTF-8 JSON bytes of a value. */
    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getName() + " as JSON", e);
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getName() + " as JSON", e);
        }
    }

    public static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /** Checks a required field of a generated record. */
    public static <T> T required(T value, String jsonName) {
        if (value == null) {
            throw new IllegalArgumentException("required field '" + jsonName + "' is missing");
        }
        return value;
    }

    /** An optional field given as {@code null}, absent or JSON {@code null} is empty. */
    public static <T> Optional<T> optional(Optional<T> value) {
        return value == null || (value.isPresent() && value.get() instanceof JsonNode node && node.isNull())
                ? Optional.empty()
                : value;
    }
}
