package dev.mxspec.homeserver.federation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The content of a room's {@code m.room.server_acl} event and the spec's order of its rules: a server name that is an
 * IP literal is denied when {@code allow_ip_literals} is {@code false}; then a match in {@code deny} denies; then a
 * match in {@code allow} allows; anything else is denied. Entries are globs ({@code *} any run of characters,
 * {@code ?} exactly one) matched against the server name without its port (an IPv6 literal keeps its brackets),
 * case-sensitively as server names are compared. Content of the wrong shape reads as the spec's defaults:
 * {@code allow} and {@code deny} empty unless arrays (entries other than strings are skipped), {@code allow_ip_literals}
 * {@code true} unless a boolean. A room without the event has no ACL: callers allow every server then.
 *
 * @param allow globs of the servers allowed
 * @param deny globs of the servers denied, which win over {@code allow}
 * @param allowIpLiterals whether server names that are IP literals may be allowed
 */
public record ServerAcl(List<String> allow, List<String> deny, boolean allowIpLiterals) {

    public ServerAcl {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }

    /** The ACL of an {@code m.room.server_acl} event's content. */
    public static ServerAcl of(JsonNode content) {
        JsonNode literals = content.path("allow_ip_literals");
        return new ServerAcl(globs(content.path("allow")), globs(content.path("deny")), !literals.isBoolean() || literals.asBoolean());
    }

    /** Whether the server {@code serverName} (with or without a port) may take part in the room. */
    public boolean allows(String serverName) {
        ServerName name;
        try {
            name = ServerName.parse(serverName);
        } catch (IllegalArgumentException notAServerName) { // no host to match: nothing a request could come from
            return false;
        }
        if (!allowIpLiterals && name.isIpLiteral()) {
            return false;
        }
        String host = name.host();
        if (deny.stream().anyMatch(glob -> matches(glob, host))) {
            return false;
        }
        return allow.stream().anyMatch(glob -> matches(glob, host));
    }

    /** Whether {@code text} matches the glob {@code glob} as a whole. */
    static boolean matches(String glob, String text) {
        int g = 0;
        int t = 0;
        int star = -1; // the glob position after the last '*' met, to retry from
        int starText = 0; // where in the text that '*' now ends
        while (t < text.length()) {
            if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == text.charAt(t))) {
                g++;
                t++;
            } else if (g < glob.length() && glob.charAt(g) == '*') {
                star = ++g;
                starText = t;
            } else if (star >= 0) { // let the last '*' take one more character
                g = star;
                t = ++starText;
            } else {
                return false;
            }
        }
        while (g < glob.length() && glob.charAt(g) == '*') {
            g++;
        }
        return g == glob.length();
    }

    private static List<String> globs(JsonNode list) {
        List<String> out = new ArrayList<>();
        if (list.isArray()) {
            list.forEach(entry -> {
                if (entry.isTextual()) {
                    out.add(entry.asText());
                }
            });
        }
        return out;
    }
}
