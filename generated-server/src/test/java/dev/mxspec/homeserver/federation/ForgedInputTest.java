package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.MetricsSettings;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.EventSigning;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.runtime.json.MatrixJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hostile server against a homeserver, over the real transport (TLS, X-Matrix): the server {@code b} is real, but the
 * requests are made here with its signing key, as a server that means harm would make them: bad signatures, bad content
 * hashes, events that fail the authorization rules, events made up for another server's users or naming another origin, an
 * ACL-denied server, transactions of malformed JSON. Each is refused (or, for a failed content hash, redacted before
 * use), counted in the metrics served on the metrics listener, never answered with a 500, and nothing of it reaches
 * the room's current state.
 */
class ForgedInputTest extends TwoFederatingServers {

    private static final String TXN = "/_matrix/federation/v1/send/";

    private Homeserver victim;
    private String nameB;
    private FederationClient forger;
    private String roomId;
    private RoomVersion version;
    private final HttpClient http = FederationTls.outbound(FederationServers.settings(1, serverTls, caFile, false, 0)).http("localhost");
    private int txn;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void forgedAndBrokenInputIsRefusedCountedAndNeverStoredAsState(String backend) throws Exception {
        ServerConfig configA = config(backend, "a");
        int metricsPort = FederationServers.freePortOtherThan(configA.federation().port()); // neither is bound before the start
        a = Homeserver.start(configA.withMetrics(new MetricsSettings(metricsPort, null)));
        b = start("sqlite", "b");
        victim = a;
        nameB = FederationServers.name(b);
        SigningKey keyB = FederationServers.signingKey(b);
        forger = FederationClient.create(nameB, keyB, FederationTls.outbound(FederationServers.settings(1, serverTls, caFile, false, 0)),
                System::currentTimeMillis);
        String alice = api.register(a, "alice");
        roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"name\":\"guarded\"}").path("room_id").asText();
        version = RoomVersions.of(a.storage().room(roomId).orElseThrow().roomVersion()).orElseThrow();
        String mallory = "@mallory:" + nameB;

        // mallory joins: a public room lets her; this one is taken in
        ObjectNode join = event(mallory, "m.room.member", mallory, "{\"membership\":\"join\"}", keyB, "m.room.join_rules");
        assertThat(sendPdus(join).path(idOf(join)).has("error")).as("join taken in").isFalse();
        Map<List<String>, String> stateBefore = a.storage().currentState(roomId);

        // a message signed with another key under B's key ID: dropped, nothing stored
        ObjectNode badSignature = event(mallory, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"forged\"}",
                SigningKey.decode(SigningKey.generate("a").encode()), "m.room.member");
        assertThat(sendPdus(badSignature).path(idOf(badSignature)).path("error").asText()).startsWith("M_FORBIDDEN");
        assertThat(a.storage().graphRow(idOf(badSignature))).isEmpty();

        // a message whose content changed after hashing and signing: taken in redacted (its body never shown)
        ObjectNode tampered = event(mallory, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"original\"}", keyB, "m.room.member");
        ((ObjectNode) tampered.get("content")).put("body", "tampered");
        String tamperedId = idOf(tampered);
        sendPdus(tampered);
        JsonNode seen = api.call(a, "GET", "/rooms/" + ClientApi.enc(roomId) + "/event/" + ClientApi.enc(tamperedId), alice, null);
        assertThat(seen.path("content").has("body")).as("content of an event whose hash fails: " + seen).isFalse();

        // mallory gives herself power: she has none, the event is rejected; the power levels stay
        ObjectNode power = event(mallory, "m.room.power_levels", "", "{\"users\":{\"" + mallory + "\":100}}", keyB, "m.room.member");
        sendPdus(power);
        assertThat(a.storage().graphRow(idOf(power)).orElseThrow().status().map(s -> s.column())).hasValue("rejected");

        // an event of alice (a user of the server itself) made up by B, and one of mallory's whose origin was changed
        // after signing: not signed by their senders' servers, dropped
        ObjectNode asAlice = event("@alice:" + FederationServers.name(a), "m.room.message", null,
                "{\"msgtype\":\"m.text\",\"body\":\"x\"}", keyB, "m.room.member");
        assertThat(sendPdus(asAlice).path(idOf(asAlice)).path("error").asText()).startsWith("M_FORBIDDEN");
        ObjectNode otherOrigin = event(mallory, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"y\"}", keyB, "m.room.member");
        otherOrigin.put("origin", FederationServers.name(a));
        assertThat(sendPdus(otherOrigin).path(idOf(otherOrigin)).path("error").asText()).startsWith("M_FORBIDDEN");
        assertThat(a.storage().graphRow(idOf(asAlice))).isEmpty();
        assertThat(a.storage().graphRow(idOf(otherOrigin))).isEmpty();

        // a malformed event (content not an object): dropped as bad JSON
        ObjectNode malformed = event(mallory, "m.room.message", null, "{}", keyB, "m.room.member");
        malformed.put("content", "not an object");
        malformed.put("depth", -1);
        assertThat(sendPdus(malformed).path(idOf(malformed)).path("error").asText()).startsWith("M_BAD_JSON");

        // EDUs about users of another server than the sender: typing and to-device "from" alice, made up by B: ignored
        String aliceId = "@alice:" + FederationServers.name(a);
        sendEdus("{\"edu_type\":\"m.typing\",\"content\":{\"room_id\":\"" + roomId + "\",\"user_id\":\"" + aliceId
                + "\",\"typing\":true}}", "{\"edu_type\":\"m.direct_to_device\",\"content\":{\"sender\":\"" + aliceId
                + "\",\"type\":\"m.room_key_request\",\"message_id\":\"m1\",\"messages\":{\"" + aliceId + "\":{\"*\":{}}}}}");
        JsonNode aliceSync = api.call(a, "GET", "/sync?timeout=0", alice, null);
        assertThat(aliceSync.path("to_device").path("events")).isEmpty();
        assertThat(aliceSync.path("rooms").path("join").path(roomId).path("ephemeral").toString()).doesNotContain("m.typing\",\"content\":{\"user_ids\":[\"" + aliceId);

        // transactions that are no transactions: refused, never a 500
        assertRefused(post(TXN + "t-null", "null", true), 400);
        assertRefused(post(TXN + "t-array", "[]", true), 400);
        assertRefused(post(TXN + "t-garbled", "{\"origin\":", false), 400, 401);
        assertRefused(post(TXN + "t-types", "{\"origin\":\"" + nameB + "\",\"origin_server_ts\":\"soon\",\"pdus\":{}}", true), 400);
        FederationClient.Response otherServer = forger.send(FederationServers.name(a), "PUT", TXN + "t-other", Optional.of(
                MatrixJson.mapper().readTree("{\"origin\":\"elsewhere.test\",\"origin_server_ts\":1,\"pdus\":[]}")));
        assertThat(otherServer.status()).isEqualTo(403);
        HttpResponse<String> unsigned = http.send(request("PUT", TXN + "t-unsigned", "{\"origin\":\"" + nameB + "\",\"pdus\":[]}",
                Optional.of(RequestSigning.sign("PUT", TXN + "t-unsigned", nameB, FederationServers.name(a), Optional.empty(), keyB).header()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertRefused(unsigned, 401);

        // the room's server ACL denies B: B's events are dropped from then on
        api.call(a, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/state/m.room.server_acl/", alice,
                "{\"allow\":[\"*\"],\"deny\":[\"" + nameB.substring(0, nameB.indexOf(':')) + "*\"],\"allow_ip_literals\":true}");
        ObjectNode denied = event(mallory, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"z\"}", keyB, "m.room.member");
        assertThat(sendPdus(denied).path(idOf(denied)).path("error").asText()).contains("ACL");
        assertThat(a.storage().graphRow(idOf(denied))).isEmpty();

        // nothing of it reached the current state beyond mallory's join and alice's ACL
        Map<List<String>, String> stateAfter = new java.util.HashMap<>(a.storage().currentState(roomId));
        stateAfter.remove(List.of("m.room.server_acl", ""));
        assertThat(stateAfter).isEqualTo(stateBefore);

        // and every refusal was counted, none was a 500
        String metrics = scrape(metricsPort);
        assertThat(count(metrics, "mxspec_federation_received_pdus_total", "dropped", "M_FORBIDDEN")).isEqualTo(3);
        assertThat(count(metrics, "mxspec_federation_received_pdus_total", "dropped", "M_BAD_JSON")).isEqualTo(1);
        assertThat(count(metrics, "mxspec_federation_received_pdus_total", "dropped", "acl_denied")).isEqualTo(1);
        assertThat(count(metrics, "mxspec_federation_received_pdus_total", "rejected", "")).isEqualTo(1);
        assertThat(count(metrics, "mxspec_federation_received_pdus_total", "accepted", "")).isEqualTo(2); // the join, the redacted message
        assertThat(a.metrics().registry().find("mxspec.federation.refused.requests").tag("status", "403").counters()).hasSize(1);
        assertThat(metrics).contains("mxspec_federation_refused_requests_total{errcode=\"M_FORBIDDEN\",status=\"403\"} 1.0");
        assertThat(metrics).contains("status=\"401\"").doesNotContain("status=\"500\"");
        assertThat(metrics).contains("mxspec_federation_ignored_edus_total{type=\"m.typing\"} 1.0")
                .contains("mxspec_federation_ignored_edus_total{type=\"m.direct_to_device\"} 1.0");
        assertThat(metrics).contains("jvm_memory_used_bytes");
    }

    /** An event of {@code sender} signed with {@code key}, following the room's extremities, citing the create, power
     *  levels and {@code authType}'s event (the sender's membership, or the join rules for a join). */
    private ObjectNode event(String sender, String type, String stateKey, String content, SigningKey key, String authType) throws Exception {
        Map<List<String>, String> state = victim.storage().currentState(roomId);
        List<String> prevs = victim.storage().forwardExtremities(roomId);
        List<String> auth = new ArrayList<>(List.of(state.get(List.of("m.room.create", "")), state.get(List.of("m.room.power_levels", ""))));
        String authKey = authType.equals("m.room.member") ? sender : "";
        Optional.ofNullable(state.get(List.of(authType, authKey))).ifPresent(auth::add);
        if (authType.equals("m.room.member") && !sender.endsWith(":" + nameB)) {
            Optional.ofNullable(state.get(List.of("m.room.member", "@mallory:" + nameB))).ifPresent(auth::add);
        }
        ObjectNode pdu = MatrixJson.mapper().createObjectNode();
        pdu.put("room_id", roomId);
        pdu.put("sender", sender);
        pdu.put("type", type);
        if (stateKey != null) {
            pdu.put("state_key", stateKey);
        }
        pdu.set("content", MatrixJson.mapper().readTree(content));
        pdu.put("origin", nameB);
        pdu.put("origin_server_ts", System.currentTimeMillis());
        pdu.put("depth", victim.storage().graphRows(prevs).stream().mapToLong(r -> r.depth()).max().orElse(0) + 1);
        ArrayNode p = pdu.putArray("prev_events");
        prevs.forEach(p::add);
        ArrayNode au = pdu.putArray("auth_events");
        auth.forEach(au::add);
        return EventSigning.hashAndSign(pdu, nameB, key, version);
    }

    private String idOf(ObjectNode pdu) {
        return EventIds.of(pdu, version).orElseThrow();
    }

    /** A signed transaction of B with {@code pdus}; its {@code pdus} results. */
    private JsonNode sendPdus(ObjectNode... pdus) throws Exception {
        ObjectNode body = MatrixJson.mapper().createObjectNode();
        body.put("origin", nameB);
        body.put("origin_server_ts", System.currentTimeMillis());
        ArrayNode list = body.putArray("pdus");
        for (ObjectNode pdu : pdus) {
            list.add(pdu);
        }
        FederationClient.Response r = forger.send(FederationServers.name(victim), "PUT", TXN + "f" + (++txn), Optional.of(body));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("pdus");
    }

    /** A signed transaction of B with the EDUs {@code edus} (JSON), answered 200. */
    private void sendEdus(String... edus) throws Exception {
        JsonNode body = MatrixJson.mapper().readTree("{\"origin\":\"" + nameB + "\",\"origin_server_ts\":1,\"pdus\":[],\"edus\":["
                + String.join(",", edus) + "]}");
        FederationClient.Response r = forger.send(FederationServers.name(victim), "PUT", TXN + "e" + (++txn), Optional.of(body));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    }

    /** A PUT of {@code body} as it is, signed (when {@code signed}) as if its content were the JSON it parses to. */
    private HttpResponse<String> post(String uri, String body, boolean signed) throws Exception {
        Optional<JsonNode> content = signed ? Optional.of(MatrixJson.mapper().readTree(body)) : Optional.empty();
        String header = RequestSigning.sign("PUT", uri, nameB, FederationServers.name(victim), content,
                FederationServers.signingKey(b)).header();
        return http.send(request("PUT", uri, body, Optional.of(header)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String method, String uri, String body, Optional<String> authorization) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("https://localhost:" + victim.federation().port().orElseThrow() + uri))
                .method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
        authorization.ifPresent(h -> r.header("Authorization", h));
        return r;
    }

    private static void assertRefused(HttpResponse<String> response, int... statuses) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isIn(java.util.Arrays.stream(statuses).boxed().toList());
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        assertThat(MatrixJson.mapper().readTree(response.body()).path("errcode").asText()).startsWith("M_");
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of {@code name}{reason=..., result=...} in a Prometheus scrape, 0 when absent. */
    private static long count(String scrape, String name, String result, String reason) {
        Matcher m = Pattern.compile("^" + name + "\\{reason=\"" + Pattern.quote(reason) + "\",result=\"" + result + "\"} ([0-9.E]+)$",
                Pattern.MULTILINE).matcher(scrape);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }
}
