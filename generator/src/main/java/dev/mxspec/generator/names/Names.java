package dev.mxspec.generator.names;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Human names from titles, file names, event types, JSON names and places of use. */
public final class Names {

    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(200, "Ok"), Map.entry(201, "Created"), Map.entry(202, "Accepted"), Map.entry(204, "NoContent"),
            Map.entry(302, "Found"), Map.entry(307, "TemporaryRedirect"), Map.entry(308, "PermanentRedirect"),
            Map.entry(400, "BadRequest"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
            Map.entry(404, "NotFound"), Map.entry(405, "MethodNotAllowed"), Map.entry(409, "Conflict"),
            Map.entry(413, "PayloadTooLarge"), Map.entry(415, "UnsupportedMediaType"), Map.entry(429, "TooManyRequests"),
            Map.entry(500, "InternalServerError"), Map.entry(502, "BadGateway"), Map.entry(504, "GatewayTimeout"));

    private static final String[] DIGITS = {"Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"};

    private Names() {}

    /** {@code "Read Marker Location Event"} to {@code ReadMarkerLocationEvent}, {@code openid_token} to {@code OpenidToken}. */
    public static String pascal(String text) {
        StringBuilder out = new StringBuilder();
        for (String word : words(text)) {
            out.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        if (out.isEmpty()) {
            return "Unnamed";
        }
        if (Character.isDigit(out.charAt(0))) {
            // "3pid" reads "ThreePid": a Java name cannot start with a digit.
            int digit = out.charAt(0) - '0';
            String rest = out.substring(1);
            out.setLength(0);
            out.append(DIGITS[digit]);
            out.append(rest.isEmpty() ? "" : Character.toUpperCase(rest.charAt(0)) + rest.substring(1));
        }
        return out.toString();
    }

    /** A JSON name to a Java member name: {@code m.relates_to} to {@code mRelatesTo}. */
    public static String camel(String text) {
        String pascal = pascal(text);
        int upper = 0;
        while (upper < pascal.length() && Character.isUpperCase(pascal.charAt(upper))) {
            upper++;
        }
        // "URL" -> "url", "IDServer" -> "idServer", "Foo" -> "foo"
        int lower = upper <= 1 ? upper : upper == pascal.length() ? upper : upper - 1;
        return pascal.substring(0, Math.max(lower, 1)).toLowerCase(Locale.ROOT) + pascal.substring(Math.max(lower, 1));
    }

    /** A value to a constant name: {@code m.read.private} to {@code M_READ_PRIVATE}. */
    public static String constant(String text) {
        String name = text.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("([a-z0-9])([A-Z])", "$1_$2")
                .toUpperCase(Locale.ROOT).replaceAll("^_+|_+$", "");
        if (name.isEmpty()) {
            return "EMPTY";
        }
        return Character.isDigit(name.charAt(0)) ? "_" + name : name;
    }

    /** An event type to a name: {@code m.room.message} to {@code RoomMessage}. */
    public static String eventName(String eventType) {
        return pascal(eventType.startsWith("m.") ? eventType.substring(2) : eventType);
    }

    /** A schema file name to a name: {@code definitions/openid_token.yaml} to {@code OpenidToken}. */
    public static String fileName(String path) {
        String base = path.substring(path.lastIndexOf('/') + 1);
        int dot = base.lastIndexOf('.');
        return pascal(dot > 0 ? base.substring(0, dot) : base);
    }

    /** The name of a response: {@code Response} for 200, otherwise the reason phrase, such as {@code NotFoundResponse}. */
    public static String response(int status) {
        return status == 200 ? "Response" : REASONS.getOrDefault(status, "Status" + status) + "Response";
    }

    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                flush(words, word);
                continue;
            }
            boolean boundary = !word.isEmpty() && Character.isUpperCase(c)
                    && (Character.isLowerCase(word.charAt(word.length() - 1))
                            || (i + 1 < text.length() && Character.isLowerCase(text.charAt(i + 1))
                                    && Character.isUpperCase(word.charAt(word.length() - 1))));
            if (boundary) {
                flush(words, word);
            }
            word.append(c);
        }
        flush(words, word);
        return words;
    }

    private static void flush(List<String> words, StringBuilder word) {
        if (!word.isEmpty()) {
            String w = word.toString();
            // Keep acronyms as written (ID, URL) but lower-case all-caps words of 4+ letters.
            words.add(w.length() > 3 && w.equals(w.toUpperCase(Locale.ROOT)) && w.chars().anyMatch(Character::isLetter)
                    ? w.charAt(0) + w.substring(1).toLowerCase(Locale.ROOT)
                    : w);
            word.setLength(0);
        }
    }
}
