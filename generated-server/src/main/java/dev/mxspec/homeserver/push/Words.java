package dev.mxspec.homeserver.push;

/**
 * Finding a literal as words of a text, the way push rules match {@code content.body}: case
 * insensitive, starting and ending at word boundaries (the start or end of the text, or any
 * character other than {@code [A-Za-z0-9_]}). A scan, not a regular expression: this runs for
 * every member of a room on every message.
 */
final class Words {

    private Words() {}

    static boolean contains(String text, String literal) {
        int m = literal.length();
        if (m == 0) {
            return false;
        }
        for (int i = 0; i + m <= text.length(); i++) {
            if ((i == 0 || !wordChar(text.charAt(i - 1))) && text.regionMatches(true, i, literal, 0, m)
                    && (i + m == text.length() || !wordChar(text.charAt(i + m)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean wordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
}
