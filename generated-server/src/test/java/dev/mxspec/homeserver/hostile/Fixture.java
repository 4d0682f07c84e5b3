package dev.mxspec.homeserver.hostile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.homeserver.storage.Backends;
import dev.mxspec.runtime.api.PathCodec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A real homeserver on a free port with a few users and a room, for the hostile suites; and a
 * snapshot of what a user can see, to check that a refused request changed nothing.
 */
final class Fixture implements AutoCloseable {

    static final String CS = "/_matrix/client/v3";
    static final String PASSWORD = "correct horse battery";

    /** A registered user: ID and access token. */
    record User(String id, String token) {}

    final Homeserver server;
    final Raw raw;

    private Fixture(Homeserver server) {
        this.server = server;
        this.raw = new Raw(server.port());
    }

    static Fixture start(String backend, Path dir) throws Exception {
        return start(backend, dir, c -> c);
    }

    /** A fixture whose configuration {@code configure} changes (application services, say). */
    static Fixture start(String backend, Path dir, java.util.function.UnaryOperator<ServerConfig> configure) throws Exception {
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
        return new Fixture(Homeserver.start(configure.apply(new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(),
                backend, pg, true, 0, -1))));
    }

    User register(String name) throws Exception {
        JsonNode r = raw.ok("POST", CS + "/register", null, "{\"username\":\"" + name + "\",\"password\":\"" + PASSWORD
                + "\",\"auth\":{\"type\":\"m.login.dummy\"}}");
        return new User(r.path("user_id").asText(), r.path("access_token").asText());
    }

    /** A further session of a user, on a new device. */
    User login(String name, String device) throws Exception {
        JsonNode r = raw.ok("POST", CS + "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\",\"user\":\""
                + name + "\"},\"password\":\"" + PASSWORD + "\",\"device_id\":\"" + device + "\"}");
        return new User(r.path("user_id").asText(), r.path("access_token").asText());
    }

    String createRoom(User user, String body) throws Exception {
        return raw.ok("POST", CS + "/createRoom", user.token(), body).path("room_id").asText();
    }

    void join(User user, String roomId) throws Exception {
        raw.ok("POST", CS + "/join/" + seg(roomId), user.token(), "{}");
    }

    String send(User user, String roomId, String body) throws Exception {
        return raw.ok("PUT", CS + "/rooms/" + seg(roomId) + "/send/m.room.message/t" + System.nanoTime(), user.token(),
                "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}").path("event_id").asText();
    }

    String state(User user, String roomId, String type, String stateKey, String content) throws Exception {
        return raw.ok("PUT", CS + "/rooms/" + seg(roomId) + "/state/" + seg(type) + "/" + seg(stateKey), user.token(), content)
                .path("event_id").asText();
    }

    static String seg(String value) {
        return PathCodec.encodeSegment(value);
    }

    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /**
     * What {@code user} can see: joined rooms, each one's state and latest events, profile, devices
     * (without last-seen data), the user's own keys ({@code /keys/query}: device and cross-signing keys
     * with their signatures), push rules, account data (global and per room), invites, the latest
     * key backup version and its keys, and what {@code aliases} resolve to.
     */
    JsonNode snapshot(User user, List<String> aliases) throws Exception {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode s = f.objectNode();
        JsonNode joined = raw.ok("GET", CS + "/joined_rooms", user.token(), null).path("joined_rooms");
        List<String> rooms = new ArrayList<>();
        joined.forEach(r -> rooms.add(r.asText()));
        rooms.sort(Comparator.naturalOrder());
        ObjectNode roomState = s.putObject("rooms");
        for (String room : rooms) {
            ObjectNode one = roomState.putObject(room);
            List<JsonNode> state = new ArrayList<>();
            raw.ok("GET", CS + "/rooms/" + seg(room) + "/state", user.token(), null).forEach(state::add);
            state.sort(Comparator.comparing(e -> e.path("type").asText() + "\u0000" + e.path("state_key").asText()));
            ArrayNode stateIds = one.putArray("state");
            state.forEach(e -> stateIds.add(e.path("event_id").asText()));
            ArrayNode recent = one.putArray("recent");
            raw.ok("GET", CS + "/rooms/" + seg(room) + "/messages?dir=b&limit=30", user.token(), null).path("chunk")
                    .forEach(e -> recent.add(e.path("event_id").asText()));
        }
        s.set("profile", raw.ok("GET", CS + "/profile/" + seg(user.id()), user.token(), null));
        ArrayNode devices = s.putArray("devices");
        raw.ok("GET", CS + "/devices", user.token(), null).path("devices").forEach(d -> {
            ObjectNode copy = ((ObjectNode) d).deepCopy();
            copy.remove(List.of("last_seen_ip", "last_seen_ts"));
            devices.add(copy);
        });
        s.set("keys", raw.ok("POST", CS + "/keys/query", user.token(), "{\"device_keys\":{\"" + user.id() + "\":[]}}"));
        s.set("push_rules", raw.ok("GET", CS + "/pushrules/", user.token(), null));
        String filter = "{\"presence\":{\"not_types\":[\"*\"]},\"room\":{\"timeline\":{\"limit\":0},\"state\":{\"not_types\":[\"*\"]},"
                + "\"ephemeral\":{\"not_types\":[\"*\"]}}}";
        JsonNode sync = raw.ok("GET", CS + "/sync?set_presence=offline&filter=" + query(filter), user.token(), null);
        s.set("account_data", sync.path("account_data"));
        ObjectNode roomData = s.putObject("room_account_data");
        for (String room : rooms) {
            roomData.set(room, sync.path("rooms").path("join").path(room).path("account_data"));
        }
        ArrayNode invites = s.putArray("invites");
        sync.path("rooms").path("invite").properties().forEach(e -> invites.add(e.getKey()));
        Raw.Reply backup = raw.send("GET", CS + "/room_keys/version", user.token(), (String) null);
        ObjectNode keyBackup = s.putObject("key_backup");
        keyBackup.put("status", backup.status());
        if (backup.status() == 200) {
            keyBackup.set("version", backup.json());
            String version = backup.json().path("version").asText();
            keyBackup.set("keys", raw.ok("GET", CS + "/room_keys/keys?version=" + query(version), user.token(), null));
        }
        ObjectNode aliasTargets = s.putObject("aliases");
        for (String alias : aliases) {
            Raw.Reply r = raw.send("GET", CS + "/directory/room/" + seg(alias), user.token(), (String) null);
            aliasTargets.put(alias, r.status() == 200 ? r.json().path("room_id").asText() : "none");
        }
        return s;
    }

    @Override
    public void close() {
        server.close();
    }
}
