package dev.mxspec.homeserver.federation.rooms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.federation.Origin;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.EventSigning;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.services.StateGroups;
import dev.mxspec.homeserver.storage.Backends;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.RequestContext;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.spec.v1_7.serverserver.EphemeralDataUnit;
import dev.mxspec.spec.v1_7.serverserver.PDUProcessingResults;
import dev.mxspec.spec.v1_7.serverserver.ServerServerSendTransactionRequest;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendTransaction;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A homeserver ({@code localhost}) with alice in a public room, the federation handlers wired to it as the transport
 * will wire them, and two other servers played here with their own signing keys: {@code remote.test} (carol, who
 * joins) and {@code other.test} (dave, never in the room).
 */
final class FederationFixture implements AutoCloseable {

    static final String REMOTE = "remote.test";
    static final String OTHER = "other.test";
    static final String CAROL = "@carol:" + REMOTE;
    static final String DAVE = "@dave:" + OTHER;
    static final SigningKey REMOTE_KEY = SigningKey.generate("r1");
    static final SigningKey OTHER_KEY = SigningKey.generate("o1");
    static final ServerKeys KEYS = ServerKeys.of(Map.of(REMOTE, List.of(REMOTE_KEY.verifyKey()), OTHER, List.of(OTHER_KEY.verifyKey())));

    final ServerConfig config;
    final Homeserver server;
    final String alice;
    final String roomId;
    final RoomVersion version;
    final TransactionHandlers transactions;
    final EventHandlers events;
    private final HttpClient http = HttpClient.newHttpClient();
    private int txn;

    private FederationFixture(ServerConfig config, Homeserver server, String alice, String roomId) {
        this.config = config;
        this.server = server;
        this.alice = alice;
        this.roomId = roomId;
        this.version = roomId == null ? null : RoomVersions.of(server.storage().room(roomId).orElseThrow().roomVersion()).orElseThrow();
        StateGroups groups = new StateGroups(server.storage());
        ServerVisibility visibility = new ServerVisibility(server.storage(), groups, server.rooms());
        this.events = new EventHandlers(new FederationReads(server.storage(), server.storage(), groups, visibility,
                new RoomAcls(server.rooms())), "localhost",
                System::currentTimeMillis);
        this.transactions = new TransactionHandlers(new InboundTransactions(server.rooms(), server.storage(),
                new InboundEdus(server.rooms(), server.streams()), KEYS, System::currentTimeMillis));
    }

    static ServerConfig config(String backend, Path dir) throws Exception {
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
        return new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), backend, pg, true, 0, 0);
    }

    /** A new server with alice and her public room. */
    static FederationFixture start(String backend, Path dir) throws Exception {
        ServerConfig config = config(backend, dir);
        Homeserver server = Homeserver.start(config);
        try {
            FederationFixture f = new FederationFixture(config, server, null, null);
            String alice = f.register("alice");
            String roomId = f.client("POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").path("room_id").asText();
            return new FederationFixture(config, server, alice, roomId);
        } catch (Exception | Error e) {
            server.close();
            throw e;
        }
    }

    /** The same database and room on a new server (a restart). */
    FederationFixture restart() throws Exception {
        server.close();
        FederationFixture next = new FederationFixture(config, Homeserver.start(config), alice, roomId);
        next.sent = sent; // alice's transaction IDs go on: a used one would answer its earlier event
        next.txn = txn;
        return next;
    }

    @Override
    public void close() {
        server.close();
    }

    static RequestContext from(String origin) {
        return new RequestContext(new ServerRequest("PUT", "/", Map.of(), Map.of(), new byte[0], "127.0.0.1"), Optional.empty(),
                Optional.of(new Origin(origin)));
    }

    // --- events of the other servers

    String state(String type, String stateKey) {
        return server.storage().currentState(roomId).get(List.of(type, stateKey));
    }

    List<String> extremities() {
        return server.storage().forwardExtremities(roomId);
    }

    /** An event of {@code sender}'s server, hashed and signed with its key, following {@code prevs}, citing {@code auth}. */
    ObjectNode event(String sender, String type, String stateKey, String content, List<String> prevs, List<String> auth) throws Exception {
        return event(sender, type, stateKey, content, prevs, auth,
                server.storage().graphRows(prevs).stream().mapToLong(r -> r.depth()).max().orElse(0) + 1);
    }

    /** {@link #event} at {@code depth} (for events following events this server does not hold). */
    ObjectNode event(String sender, String type, String stateKey, String content, List<String> prevs, List<String> auth, long depth)
            throws Exception {
        String origin = sender.substring(sender.indexOf(':') + 1);
        ObjectNode pdu = MatrixJson.mapper().createObjectNode();
        pdu.put("room_id", roomId);
        pdu.put("sender", sender);
        pdu.put("type", type);
        if (stateKey != null) {
            pdu.put("state_key", stateKey);
        }
        pdu.set("content", MatrixJson.mapper().readTree(content));
        pdu.put("origin", origin);
        pdu.put("origin_server_ts", System.currentTimeMillis());
        pdu.put("depth", depth);
        ArrayNode p = pdu.putArray("prev_events");
        prevs.forEach(p::add);
        ArrayNode a = pdu.putArray("auth_events");
        auth.forEach(a::add);
        return EventSigning.hashAndSign(pdu, origin, origin.equals(REMOTE) ? REMOTE_KEY : OTHER_KEY, version);
    }

    /** {@code sender}'s join over the room's extremities. */
    ObjectNode join(String sender) throws Exception {
        return event(sender, "m.room.member", sender, "{\"membership\":\"join\"}", extremities(),
                List.of(state("m.room.create", ""), state("m.room.power_levels", ""), state("m.room.join_rules", "")));
    }

    /** A message of a joined {@code sender} following {@code prevs}. */
    ObjectNode message(String sender, String body, List<String> prevs) throws Exception {
        return event(sender, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}", prevs,
                List.of(state("m.room.create", ""), state("m.room.power_levels", ""), state("m.room.member", sender)));
    }

    /** The transaction handler of a server that asks {@code remote} for the events a PDU follows and this server lacks. */
    TransactionHandlers fillingGapsFrom(MissingPrevEvents.Requests remote) {
        return new TransactionHandlers(new InboundTransactions(server.rooms(), server.storage(),
                new InboundEdus(server.rooms(), server.streams()), KEYS, System::currentTimeMillis,
                Optional.of(new MissingPrevEvents(server.rooms(), server.storage(), remote, KEYS))));
    }

    String idOf(ObjectNode pdu) {
        return EventIds.of(pdu, version).orElseThrow();
    }

    /** A transaction of {@code origin} as its body says it came from it. */
    PDUProcessingResults send(String origin, String txnId, List<? extends JsonNode> pdus, List<EphemeralDataUnit> edus) {
        return transactions.sendTransaction(from(origin), new SendTransaction.Request(txnId,
                new ServerServerSendTransactionRequest(origin, System.currentTimeMillis(), List.copyOf(pdus),
                        edus.isEmpty() ? Optional.empty() : Optional.of(edus), Map.of())));
    }

    PDUProcessingResults send(String origin, List<? extends JsonNode> pdus) {
        return send(origin, "t" + (++txn), pdus, List.of());
    }

    /** Carol joins through a transaction of her server; her join's ID. */
    String carolJoins() throws Exception {
        ObjectNode join = join(CAROL);
        PDUProcessingResults r = send(REMOTE, List.of(join));
        if (r.pdus().get(idOf(join)).error().isPresent()) {
            throw new IllegalStateException(r.pdus().toString());
        }
        return idOf(join);
    }

    static EphemeralDataUnit edu(String type, String content) throws Exception {
        return new EphemeralDataUnit(type, MatrixJson.mapper().readTree(content), Map.of());
    }

    // --- the Client-Server API of the server

    JsonNode client(String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/_matrix/client/v3" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = MatrixJson.mapper().readTree(r.body());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + json);
        }
        return json;
    }

    String register(String name) throws Exception {
        return client("POST", "/register", null, "{\"username\":\"" + name + "\",\"password\":\"" + name
                + "-password\",\"auth\":{\"type\":\"m.login.dummy\"}}").path("access_token").asText();
    }

    private int sent;

    /** Alice sends a message; its event ID. */
    String aliceSays(String body) throws Exception {
        return client("PUT", "/rooms/" + roomId + "/send/m.room.message/a" + (++sent), alice,
                "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}").path("event_id").asText();
    }

    /** The room as alice's initial sync shows it. */
    JsonNode aliceSync() throws Exception {
        return client("GET", "/sync?timeout=0", alice, null).path("rooms").path("join").path(roomId);
    }
}
