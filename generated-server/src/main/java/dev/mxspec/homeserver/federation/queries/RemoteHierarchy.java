package dev.mxspec.homeserver.federation.queries;

import dev.mxspec.runtime.api.PathCodec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.federation.FederationClient;
import dev.mxspec.homeserver.services.SpaceHierarchy;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spaces this server is not in, asked of the servers of a child's {@code via} in turn with
 * {@code GET /_matrix/federation/v1/hierarchy/{roomId}}; the first answer for that room is kept for
 * {@link #CACHE_MS}, as the spec suggests. Only the fields of a room summary are taken from an answer, each of
 * its type; a summary without its room ID, member count or flags is dropped.
 */
public final class RemoteHierarchy implements SpaceHierarchy.Remote {

    /** How long an answer is kept. */
    static final long CACHE_MS = 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(RemoteHierarchy.class);
    private static final List<String> TEXT_FIELDS = List.of("name", "topic", "avatar_url", "canonical_alias", "join_rule", "room_type");

    private record Cached(SpaceHierarchy.RemoteSpace space, long fetchedTs) {}

    private final FederationClient client;
    private final String serverName;
    private final LongSupplier clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public RemoteHierarchy(FederationClient client, String serverName, LongSupplier clock) {
        this.client = client;
        this.serverName = serverName;
        this.clock = clock;
    }

    @Override
    public Optional<SpaceHierarchy.RemoteSpace> summary(String roomId, List<String> via, boolean suggestedOnly) {
        String key = roomId + "|" + suggestedOnly;
        long now = clock.getAsLong();
        Cached cached = cache.get(key);
        if (cached != null && now - cached.fetchedTs() < CACHE_MS) {
            return Optional.of(cached.space());
        }
        for (String server : via) {
            if (server.equals(serverName)) {
                continue;
            }
            Optional<SpaceHierarchy.RemoteSpace> answer = ask(server, roomId, suggestedOnly);
            if (answer.isPresent()) {
                cache.put(key, new Cached(answer.get(), now));
                return answer;
            }
        }
        return Optional.empty();
    }

    private Optional<SpaceHierarchy.RemoteSpace> ask(String server, String roomId, boolean suggestedOnly) {
        FederationClient.Response r;
        try {
            r = client.send(server, "GET", "/_matrix/federation/v1/hierarchy/" + PathCodec.encodeSegment(roomId)
                    + "?suggested_only=" + suggestedOnly, Optional.empty());
        } catch (IOException e) {
            LOG.info("cannot ask {} for the hierarchy of {}: {}", server, roomId, e.getMessage());
            return Optional.empty();
        }
        if (r.status() != 200) {
            return Optional.empty();
        }
        Optional<ObjectNode> room = summary(r.body().path("room")).filter(s -> s.path("room_id").asText().equals(roomId));
        if (room.isEmpty()) {
            return Optional.empty();
        }
        List<ObjectNode> children = new ArrayList<>();
        r.body().path("children").forEach(c -> summary(c).ifPresent(children::add));
        Set<String> inaccessible = new TreeSet<>();
        r.body().path("inaccessible_children").forEach(c -> {
            if (c.isTextual()) {
                inaccessible.add(c.textValue());
            }
        });
        return Optional.of(new SpaceHierarchy.RemoteSpace(room.get(), children, inaccessible));
    }

    /** The fields of a room summary in {@code json}, each of its type; empty when a required one is missing. */
    static Optional<ObjectNode> summary(JsonNode json) {
        if (!json.path("room_id").isTextual() || !json.path("num_joined_members").canConvertToLong()
                || !json.path("num_joined_members").isIntegralNumber() || !json.path("world_readable").isBoolean()
                || !json.path("guest_can_join").isBoolean()) {
            return Optional.empty();
        }
        ObjectNode out = MatrixJson.mapper().createObjectNode();
        out.put("room_id", json.path("room_id").textValue());
        out.put("num_joined_members", json.path("num_joined_members").longValue());
        out.put("world_readable", json.path("world_readable").booleanValue());
        out.put("guest_can_join", json.path("guest_can_join").booleanValue());
        for (String field : TEXT_FIELDS) {
            if (json.path(field).isTextual() && !json.path(field).textValue().isEmpty()) {
                out.put(field, json.path(field).textValue());
            }
        }
        json.path("allowed_room_ids").forEach(id -> {
            if (id.isTextual()) {
                out.withArray("allowed_room_ids").add(id.textValue());
            }
        });
        var childrenState = out.putArray("children_state");
        json.path("children_state").forEach(e -> {
            if (e.path("type").isTextual() && e.path("state_key").isTextual() && e.path("content").isObject() && e.path("sender").isTextual()
                    && e.path("origin_server_ts").isIntegralNumber()) {
                ObjectNode stripped = childrenState.addObject();
                stripped.put("type", e.path("type").textValue());
                stripped.put("state_key", e.path("state_key").textValue());
                stripped.set("content", e.path("content").deepCopy());
                stripped.put("sender", e.path("sender").textValue());
                stripped.put("origin_server_ts", e.path("origin_server_ts").longValue());
            }
        });
        return Optional.of(out);
    }
}
