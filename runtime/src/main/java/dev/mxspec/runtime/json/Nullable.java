package dev.mxspec.runtime.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * The value of a field the spec lets be {@code null} and leave out: generated code types such a
 * field {@code Optional<Nullable<T>>}, so that absent ({@code Optional.empty()}), JSON {@code null}
 * ({@code Optional.of(Nullable.ofNull())}) and a value stay apart and survive a read and a write, as
 * re-serialised events must for their hashes and signatures.
 *
 * @param <T> the type of the value
 */
@JsonSerialize(using = Nullable.Writer.class)
@JsonDeserialize(using = Nullable.Reader.class)
public final class Nullable<T> {

    private static final Nullable<?> NULL = new Nullable<>(null);

    private final T value;

    private Nullable(T value) {
        this.value = value;
    }

    /** A value; {@code null} gives JSON {@code null}. */
    public static <T> Nullable<T> of(T value) {
        return value == null ? ofNull() : new Nullable<>(value);
    }

    /** JSON {@code null}. */
    @SuppressWarnings("unchecked")
    public static <T> Nullable<T> ofNull() {
        return (Nullable<T>) NULL;
    }

    /** The value; empty for JSON {@code null}. */
    public Optional<T> value() {
        return Optional.ofNullable(value);
    }

    public boolean isNull() {
        return value == null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Nullable<?> other && Objects.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(value);
    }

    @Override
    public String toString() {
        return value == null ? "null" : value.toString();
    }

    /**
     * Reads a field typed {@code Optional<Nullable<T>>} (generated code puts it on such fields):
     * absent is {@code Optional.empty()}, JSON {@code null} is {@code Optional.of(Nullable.ofNull())}.
     */
    public static final class OptionalReader extends JsonDeserializer<Optional<Nullable<?>>> implements ContextualDeserializer {
        private final JavaType valueType;

        public OptionalReader() {
            this(null);
        }

        private OptionalReader(JavaType valueType) {
            this.valueType = valueType;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            JavaType type = property != null ? property.getType() : ctxt.getContextualType();
            while (type != null && type.getRawClass() != Nullable.class && type.containedTypeCount() > 0) {
                type = type.containedType(0);
            }
            return new OptionalReader(type == null || type.containedTypeCount() == 0
                    ? ctxt.constructType(Object.class)
                    : type.containedType(0));
        }

        @Override
        public Optional<Nullable<?>> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return Optional.of(of(ctxt.readValue(p, valueType == null ? ctxt.constructType(Object.class) : valueType)));
        }

        @Override
        public Optional<Nullable<?>> getNullValue(DeserializationContext ctxt) {
            return Optional.of(ofNull());
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return Optional.empty();
        }
    }

    /** Writes the value, or {@code null}. */
    static final class Writer extends JsonSerializer<Nullable<?>> {
        @Override
        public void serialize(Nullable<?> nullable, JsonGenerator gen, SerializerProvider provider) throws IOException {
            if (nullable.value == null) {
                gen.writeNull();
            } else {
                provider.defaultSerializeValue(nullable.value, gen);
            }
        }
    }

    /** Reads JSON {@code null} as {@link #ofNull()} and anything else as the value's type. */
    static final class Reader extends JsonDeserializer<Nullable<?>> implements ContextualDeserializer {
        private final JavaType valueType;

        Reader() {
            this(null);
        }

        private Reader(JavaType valueType) {
            this.valueType = valueType;
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property) {
            JavaType type = property != null ? property.getType() : ctxt.getContextualType();
            while (type != null && type.getRawClass() != Nullable.class && type.containedTypeCount() > 0) {
                type = type.containedType(0); // Optional<Nullable<T>>: to the Nullable
            }
            JavaType inner = type == null || type.containedTypeCount() == 0
                    ? ctxt.constructType(Object.class)
                    : type.containedType(0);
            return new Reader(inner);
        }

        @Override
        public Nullable<?> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            Object value = ctxt.readValue(p, valueType == null ? ctxt.constructType(Object.class) : valueType);
            return of(value);
        }

        @Override
        public Nullable<?> getNullValue(DeserializationContext ctxt) {
            return ofNull();
        }
    }
}
