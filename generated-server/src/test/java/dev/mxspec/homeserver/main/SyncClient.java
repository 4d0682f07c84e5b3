package dev.mxspec.homeserver.main;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.storage.Backends;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A test server on a store, and the requests the sync tests make, over plain JSON HTTP. */
final class SyncClient {

    final Homeserver server;
    final JsonHttp http;
    private final AtomicInteger txn = new AtomicInteger();

    SyncClient(String backend, Path dir) throws Exception {
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
        server = Homeserver.start(new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), backend, pg, true, 0, -1));
        http = new JsonHttp(server.port());
    }

    String room(String token, String createBody) throws Exception {
        return ok(http.call("POST", "/createRoom", token, createBody)).path("room_id").asText();
    }

    void join(String token, String roomId) throws Exception {
        ok(http.call("POST", "/join/" + roomId, token, "{}"));
    }

    void leave(String token, String roomId) throws Exception {
        ok(http.call("POST", "/rooms/" + roomId + "/leave", token, "{}"));
    }

    String send(String token, String roomId, String body) throws Exception {
        return ok(http.call("PUT", "/rooms/" + roomId + "/send/m.room.message/t" + txn.incrementAndGet(), token,
                "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}")).path("event_id").asText();
    }

    void sendMany(String token, String roomId, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            send(token, roomId, "filler " + i);
        }
    }

    String state(String token, String roomId, String type, String stateKey, String content) throws Exception {
        return ok(http.call("PUT", "/rooms/" + roomId + "/state/" + type + "/" + stateKey, token, content)).path("event_id").asText();
    }

    /** A sync with an inline filter (null for none) from {@code since} (null for an initial sync). */
    JsonNode sync(String token, String filter, String since) throws Exception {
        StringBuilder query = new StringBuilder("/sync?timeout=0");
        if (filter != null) {
            query.append("&filter=").append(URLEncoder.encode(filter, StandardCharsets.UTF_8));
        }
        if (since != null) {
            query.append("&since=").append(since);
        }
        return ok(http.call("GET", query.toString(), token, null));
    }

    static JsonNode ok(JsonHttp.Reply reply) {
        if (reply.status() != 200) {
            throw new AssertionError("HTTP " + reply.status() + ": " + reply.body());
        }
        return reply.body();
    }

    /** The state keys of the member events in a joined room's state section. */
    static List<String> stateMembers(JsonNode sync, String roomId) {
        List<String> out = new ArrayList<>();
        sync.path("rooms").path("join").path(roomId).path("state").path("events").forEach(e -> {
            if (e.path("type").asText().equals("m.room.member")) {
                out.add(e.path("state_key").asText());
            }
        });
        return out;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static List<String> field(JsonNode events, String pointer) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(e.at(pointer).asText()));
        return out;
    }
}
