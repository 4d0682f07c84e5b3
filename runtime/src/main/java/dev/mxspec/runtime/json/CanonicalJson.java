package dev.mxspec.runtime.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Canonical JSON as the Matrix spec defines it (appendices, "Canonical JSON"): object keys sorted by
 * code point, no insignificant whitespace, UTF-8 without escaping non-ASCII characters.
 */
public final class CanonicalJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CanonicalJson() {}

    /** An unescaped backslash (after an even number of backslashes) starting a {@code \\uXXXX} escape. */
    private static final java.util.regex.Pattern UNICODE_ESCAPE = java.util.regex.Pattern.compile("(?<!\\\\)((?:\\\\\\\\)*)\\\\u([0-9A-F]{4})");

    /** The canonical text of a JSON tree. */
    public static String write(JsonNode node) {
        StringWriter out = new StringWriter();
        try (JsonGenerator gen = MAPPER.getFactory().createGenerator(out)) {
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

    /** Parses JSON text into a tree. */
    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
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
        } else {
            gen.writeTree(node);
        }
    }
}
