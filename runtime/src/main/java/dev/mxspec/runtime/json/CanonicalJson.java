package dev.mxspec.runtime.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NumericNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Canonical JSON as the Matrix spec defines it (appendices, "Canonical JSON"): object keys sorted by
 * code point, no insignificant whitespace, UTF-8 without escaping non-ASCII characters.
 *
 * <p>Writing and parsing use Jackson's streaming API only: an {@link ObjectMapper} costs a JVM that is
 * not warm yet a few hundred milliseconds to set up (the code generator runs in Maven's fresh JVM),
 * so one is made only for a node that is none of JSON's own kinds.
 */
public final class CanonicalJson {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Made on first use only. */
    private static final class Mapper {
        static final ObjectMapper INSTANCE = new ObjectMapper();
    }

    private CanonicalJson() {}

    /** An unescaped backslash (after an even number of backslashes) starting a {@code \\uXXXX} escape. */
    private static final java.util.regex.Pattern UNICODE_ESCAPE = java.util.regex.Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u([0-9A-F]{4})");

    /** The canonical text of a JSON tree. */
    public static String write(JsonNode node) {
        StringWriter out = new StringWriter();
        try (JsonGenerator gen = FACTORY.createGenerator(out)) {
            write(node, gen);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = out.toString();
        // Canonical JSON writes backslash-u escapes (control characters) with lowercase hex digits.
        return text.indexOf("\\u") < 0 ? text
                : UNICODE_ESCAPE.matcher(text).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                        m.group(1) + "\\u" + m.group(2).toLowerCase(java.util.Locale.ROOT)));
    }

    /**
     * Parses JSON text into a tree: the tree {@link ObjectMapper#readTree(String)} gives with its
     * default settings (integers as int, long or big integer nodes by size, other numbers as doubles,
     * the last of duplicate keys wins, anything after the first value is ignored, empty text is a
     * missing node).
     */
    public static JsonNode parse(String json) {
        try (JsonParser parser = FACTORY.createParser(json)) {
            JsonToken first = parser.nextToken();
            return first == null ? MissingNode.getInstance() : read(parser, first);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = parser.currentName();
                    object.set(name, read(parser, parser.nextToken()));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    array.add(read(parser, t));
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT -> switch (parser.getNumberType()) {
                case INT -> NODES.numberNode(parser.getIntValue());
                case LONG -> NODES.numberNode(parser.getLongValue());
                default -> NODES.numberNode(parser.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IllegalArgumentException("not JSON: unexpected " + token);
        };
    }

    /** Orders strings by Unicode code point, as canonical JSON requires (not by UTF-16 unit). */
    public static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    private static void write(JsonNode node, JsonGenerator gen) throws IOException {
        if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
            keys.sort(CanonicalJson::compareCodePoints);
            gen.writeStartObject();
            for (String key : keys) {
                gen.writeFieldName(key);
                write(node.get(key), gen);
            }
            gen.writeEndObject();
        } else if (node.isArray()) {
            gen.writeStartArray();
            for (JsonNode item : node) {
                write(item, gen);
            }
            gen.writeEndArray();
        } else if (node.isNull()) {
            gen.writeNull();
        } else if (node instanceof TextNode || node instanceof NumericNode || node instanceof BooleanNode) {
            node.serialize(gen, null); // these write themselves without a serializer provider
        } else {
            Mapper.INSTANCE.writeTree(gen, node);
        }
    }
}
