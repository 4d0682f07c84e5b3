package dev.mxspec.homeserver.appservice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads registration files, in the YAML format bridges ship. A broken file is an {@link IllegalArgumentException} that
 * names the file and the field, so the homeserver refuses to start with a message the operator can act on.
 */
public final class RegistrationFiles {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The localpart grammar of the Appendices ("User Identifiers"). */
    private static final Pattern LOCALPART = Pattern.compile("[a-z0-9._=\\-/+]+");

    private RegistrationFiles() {}

    /** Every file's registration; IDs and {@code as_token}s must be unique across them, as the spec requires. */
    public static Registrations load(List<Path> files, String serverName) {
        List<Registration> all = new ArrayList<>();
        for (Path file : files) {
            Registration r = read(file, serverName);
            for (Registration other : all) {
                if (other.id().equals(r.id())) {
                    throw new IllegalArgumentException(file + ": field 'id': '" + r.id() + "' is also the id of " + other.file());
                }
                if (other.asToken().equals(r.asToken())) {
                    throw new IllegalArgumentException(file + ": field 'as_token': the same as_token as " + other.file()
                            + " (each service needs its own)");
                }
            }
            all.add(r);
        }
        return new Registrations(all);
    }

    public static Registration read(Path file, String serverName) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a readable registration file: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": not a registration: expected a YAML mapping with id, url, as_token, hs_token, "
                    + "sender_localpart and namespaces");
        }
        Fields f = new Fields(file, root);
        String id = f.string("id");
        Optional<URI> url = f.url("url");
        String asToken = f.string("as_token");
        String hsToken = f.string("hs_token");
        String localpart = f.string("sender_localpart");
        if (!LOCALPART.matcher(localpart).matches()) {
            throw f.error("sender_localpart", "'" + localpart + "' is not a user ID localpart (a-z, 0-9 and ._=-/+)");
        }
        if (asToken.equals(hsToken)) {
            throw f.error("hs_token", "must differ from as_token");
        }
        JsonNode namespaces = root.get("namespaces");
        if (namespaces == null || !namespaces.isObject()) {
            throw f.error("namespaces", namespaces == null ? "missing (give users, aliases and rooms, each a list, possibly empty)"
                    : "expected a mapping of users, aliases and rooms");
        }
        boolean rateLimited = true;
        JsonNode limited = root.get("rate_limited");
        if (limited != null && !limited.isNull()) {
            if (!limited.isBoolean()) {
                throw f.error("rate_limited", "expected true or false, not " + limited);
            }
            rateLimited = limited.booleanValue();
        }
        List<String> protocols = new ArrayList<>();
        JsonNode list = root.get("protocols");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw f.error("protocols", "expected a list of protocol names");
            }
            for (int i = 0; i < list.size(); i++) {
                if (!list.get(i).isTextual() || list.get(i).textValue().isEmpty()) {
                    throw f.error("protocols[" + i + "]", "expected a protocol name");
                }
                protocols.add(list.get(i).textValue());
            }
        }
        return new Registration(id, url, asToken, hsToken, "@" + localpart + ":" + serverName, f.namespaces(namespaces, "users"),
                f.namespaces(namespaces, "aliases"), f.namespaces(namespaces, "rooms"), rateLimited, protocols, file);
    }

    private record Fields(Path file, JsonNode root) {

        IllegalArgumentException error(String field, String problem) {
            return new IllegalArgumentException(file + ": field '" + field + "': " + problem);
        }

        String string(String field) {
            JsonNode v = root.get(field);
            if (v == null || v.isNull()) {
                throw error(field, "missing");
            }
            if (!v.isTextual() || v.textValue().isBlank()) {
                throw error(field, "expected a non-empty string");
            }
            return v.textValue();
        }

        /** The spec makes {@code url} required, but lets it be null for a service that wants no traffic. */
        Optional<URI> url(String field) {
            if (!root.has(field)) {
                throw error(field, "missing (write 'url: null' for a service that needs no traffic)");
            }
            JsonNode v = root.get(field);
            if (v.isNull()) {
                return Optional.empty();
            }
            if (!v.isTextual()) {
                throw error(field, "expected an http or https URL or null");
            }
            try {
                URI uri = new URI(v.textValue());
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                    throw error(field, "'" + v.textValue() + "' is not an http or https URL");
                }
                return Optional.of(uri);
            } catch (URISyntaxException e) {
                throw error(field, "'" + v.textValue() + "' is not a URL: " + e.getReason());
            }
        }

        List<Namespace> namespaces(JsonNode namespaces, String kind) {
            String path = "namespaces." + kind;
            JsonNode list = namespaces.get(kind);
            if (list == null || list.isNull()) {
                return List.of();
            }
            if (!list.isArray()) {
                throw error(path, "expected a list of {exclusive, regex}");
            }
            List<Namespace> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                String at = path + "[" + i + "]";
                JsonNode entry = list.get(i);
                if (!entry.isObject()) {
                    throw error(at, "expected a mapping with exclusive and regex");
                }
                JsonNode exclusive = entry.get("exclusive");
                if (exclusive == null || !exclusive.isBoolean()) {
                    throw error(at + ".exclusive", exclusive == null ? "missing (true or false)" : "expected true or false, not " + exclusive);
                }
                JsonNode regex = entry.get("regex");
                if (regex == null || !regex.isTextual() || regex.textValue().isEmpty()) {
                    throw error(at + ".regex", regex == null ? "missing" : "expected a regular expression as a string");
                }
                try {
                    out.add(new Namespace(exclusive.booleanValue(), Pattern.compile(regex.textValue())));
                } catch (PatternSyntaxException e) {
                    throw error(at + ".regex", "not a valid regular expression: " + e.getDescription() + " near index " + e.getIndex());
                }
            }
            return out;
        }
    }
}
