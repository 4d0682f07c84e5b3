package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.serverserver.endpoints.MakeKnock;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendKnock;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Knocks across two homeservers federating over TLS on loopback: bob of server B knocks through his client on a room
 * of server A (make_knock, send_knock), sees it under {@code rooms.knock}, and is let in by an invite, refused by a
 * kick, or takes his knock back; and what A refuses of make_knock and send_knock sent straight to its federation API.
 */
class FederatedKnocksTest extends TwoFederatingServers {

    private String room(String joinRule) throws Exception {
        return api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"private_chat\",\"name\":\"knock here\",\"room_version\":\"10\","
                + "\"initial_state\":[{\"type\":\"m.room.join_rules\",\"state_key\":\"\",\"content\":{\"join_rule\":\"" + joinRule + "\"}}]}")
                .path("room_id").asText();
    }

    private HttpResponse<String> knock(String roomId) throws Exception {
        return api.raw(b, "POST", "/knock/" + ClientApi.enc(roomId) + "?server_name=" + ClientApi.enc(nameA), bob,
                "{\"reason\":\"let me in\"}");
    }

    private static String membership(Homeserver server, String roomId, String userId) {
        return server.rooms().membership(roomId, userId).orElse("none");
    }

    private static List<String> types(JsonNode events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(e.path("type").asText() + "/" + e.path("content").path("membership").asText("")));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aKnockOfAUserOfAnotherServerIsAcceptedByAnInviteAndHeJoins(String backend) throws Exception {
        aliceOnAAndBobOnB(backend);
        String roomId = room("knock");

        HttpResponse<String> knocked = knock(roomId);

        assertThat(knocked.statusCode()).as(knocked.body()).isEqualTo(200);
        assertThat(MatrixJson.mapper().readTree(knocked.body()).path("room_id").asText()).isEqualTo(roomId);
        assertThat(membership(a, roomId, bobId)).isEqualTo("knock");
        assertThat(membership(b, roomId, bobId)).isEqualTo("knock");
        JsonNode knockState = api.syncUntil(b, bob, s -> s.path("rooms").path("knock").has(roomId))
                .path("rooms").path("knock").path(roomId).path("knock_state").path("events");
        assertThat(types(knockState)).contains("m.room.create/", "m.room.join_rules/", "m.room.name/", "m.room.member/knock");
        JsonNode aliceSees = api.syncUntil(a, alice, s -> s.path("rooms").path("join").path(roomId).toString().contains("let me in"));
        assertThat(aliceSees.toString()).contains("\"membership\":\"knock\"");

        api.call(a, "POST", "/rooms/" + ClientApi.enc(roomId) + "/invite", alice, "{\"user_id\":\"" + bobId + "\"}");
        assertThat(membership(b, roomId, bobId)).isEqualTo("invite");
        api.syncUntil(b, bob, s -> s.path("rooms").path("invite").has(roomId));
        api.call(b, "POST", "/join/" + ClientApi.enc(roomId), bob, "{}");

        assertThat(membership(a, roomId, bobId)).isEqualTo("join");
        assertThat(membership(b, roomId, bobId)).isEqualTo("join");
        assertThat(b.storage().currentState(roomId)).isEqualTo(a.storage().currentState(roomId));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aKnockRefusedByAKickReachesTheKnockersServer(String backend) throws Exception {
        aliceOnAAndBobOnB(backend);
        String roomId = room("knock");
        assertThat(knock(roomId).statusCode()).isEqualTo(200);
        String since = api.syncUntil(b, bob, s -> s.path("rooms").path("knock").has(roomId)).path("next_batch").asText();

        api.call(a, "POST", "/rooms/" + ClientApi.enc(roomId) + "/kick", alice, "{\"user_id\":\"" + bobId + "\",\"reason\":\"no\"}");

        assertThat(membership(a, roomId, bobId)).isEqualTo("leave");
        eventually(() -> membership(b, roomId, bobId), "leave");
        JsonNode refused = api.call(b, "GET", "/sync?since=" + since, bob, null);
        assertThat(refused.path("rooms").path("leave").has(roomId)).as(refused.toString()).isTrue();
        assertThat(api.call(b, "GET", "/sync", bob, null).path("rooms").path("knock").has(roomId)).isFalse();
    }

    @Test
    void aKnockTakenBackLeavesThroughTheRoomsServer() throws Exception {
        aliceOnAAndBobOnB("sqlite");
        String roomId = room("knock");
        assertThat(knock(roomId).statusCode()).isEqualTo(200);

        api.call(b, "POST", "/rooms/" + ClientApi.enc(roomId) + "/leave", bob, "{}");

        assertThat(membership(a, roomId, bobId)).isEqualTo("leave");
        assertThat(membership(b, roomId, bobId)).isEqualTo("leave");
    }

    @Test
    void aKnockOnARoomThatTakesNoKnocksIsRefusedAndKeptNowhere() throws Exception {
        aliceOnAAndBobOnB("sqlite");
        String roomId = room("invite");

        HttpResponse<String> knocked = knock(roomId);

        assertThat(knocked.statusCode()).as(knocked.body()).isEqualTo(403);
        assertThat(MatrixJson.mapper().readTree(knocked.body()).path("errcode").asText()).isEqualTo("M_FORBIDDEN");
        assertThat(membership(a, roomId, bobId)).isEqualTo("none");
        assertThat(membership(b, roomId, bobId)).isEqualTo("none");
        assertThat(refusal(makeKnock(roomId, bobId, "10"))).isEqualTo(refusal(403, "M_FORBIDDEN"));
    }

    private FederationClient.Response makeKnock(String roomId, String userId, String... versions) throws Exception {
        StringBuilder ver = new StringBuilder();
        for (String v : versions) {
            ver.append(ver.isEmpty() ? "?" : "&").append("ver=").append(v);
        }
        return b.federation().client().send(nameA, "GET", MakeKnock.ENDPOINT.expand(Map.of("roomId", roomId, "userId", userId)) + ver,
                Optional.empty());
    }

    private FederationClient.Response sendKnock(String roomId, String eventId, JsonNode body) throws Exception {
        return b.federation().client().send(nameA, "PUT", SendKnock.ENDPOINT.expand(Map.of("roomId", roomId, "eventId", eventId)),
                Optional.of(body));
    }

    /** The status and error code of an answer, to compare whole. */
    private static String refusal(int status, String errcode) {
        return status + " " + errcode;
    }

    private static String refusal(FederationClient.Response r) {
        return r.status() + " " + r.body().path("errcode").asText();
    }

    private String knockId(ObjectNode knock) {
        return EventIds.of(knock, RoomVersions.of("10").orElseThrow()).orElseThrow();
    }

    /** A knock of bob made from A's template and signed by B. */
    private ObjectNode signedKnock(String roomId) throws Exception {
        FederationClient.Response made = makeKnock(roomId, bobId, "10");
        assertThat(made.status()).as(made.body().toString()).isEqualTo(200);
        return b.rooms().membershipProtocols().signTemplate((ObjectNode) made.body().get("event"), "10");
    }

    @Test
    void makeKnockAndSendKnockRefuseWhatTheSpecRefuses() throws Exception {
        aliceOnAAndBobOnB("sqlite");
        String roomId = room("knock");
        String carolId = "@carol:" + nameA;

        assertThat(refusal(makeKnock(roomId, bobId, "9"))).as("a version the knocking server lacks").isEqualTo(refusal(400, "M_INCOMPATIBLE_ROOM_VERSION"));
        assertThat(makeKnock(roomId, bobId, "9").body().path("room_version").asText()).isEqualTo("10");
        assertThat(refusal(makeKnock(roomId, carolId, "10"))).as("a user of another server").isEqualTo(refusal(403, "M_FORBIDDEN"));
        assertThat(refusal(makeKnock("!nowhere:" + nameA, bobId, "10"))).isEqualTo(refusal(404, "M_NOT_FOUND"));

        ObjectNode knock = signedKnock(roomId);
        assertThat(refusal(sendKnock(roomId, "$" + "x".repeat(43), knock))).as("another event ID").isEqualTo(refusal(400, "M_BAD_JSON"));
        assertThat(refusal(sendKnock(roomId, knockId(knock), NullNode.getInstance()))).as("JSON null").isEqualTo(refusal(400, "M_NOT_JSON"));
        assertThat(refusal(sendKnock(roomId, knockId(knock), MatrixJson.mapper().createArrayNode()))).as("not an object").isEqualTo(refusal(400, "M_NOT_JSON"));
        ObjectNode asJoin = knock.deepCopy();
        asJoin.withObjectProperty("content").put("membership", "join");
        assertThat(refusal(sendKnock(roomId, knockId(asJoin), asJoin))).as("not a knock").isEqualTo(refusal(403, "M_FORBIDDEN"));
        ObjectNode forged = knock.deepCopy();
        forged.withObjectProperty("content").put("reason", "changed after signing");
        forged.remove("hashes");
        assertThat(sendKnock(roomId, knockId(forged), forged).status()).as("not signed as it is").isEqualTo(400);
        assertThat(membership(a, roomId, bobId)).isEqualTo("none");

        api.call(a, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/state/m.room.member/" + ClientApi.enc(bobId), alice,
                "{\"membership\":\"ban\"}");
        assertThat(refusal(makeKnock(roomId, bobId, "10"))).as("banned").isEqualTo(refusal(403, "M_FORBIDDEN"));
        assertThat(refusal(sendKnock(roomId, knockId(knock), knock))).as("banned since the template").isEqualTo(refusal(403, "M_FORBIDDEN"));
        assertThat(membership(a, roomId, bobId)).isEqualTo("ban");
    }

    @Test
    void aServerTheRoomsAclDeniesIsRefusedOnMakeKnockAndSendKnock() throws Exception {
        aliceOnAAndBobOnB("sqlite");
        String roomId = room("knock");
        ObjectNode knock = signedKnock(roomId);

        api.call(a, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/state/m.room.server_acl/", alice,
                "{\"allow\":[\"*\"],\"deny\":[\"" + nameB.substring(0, nameB.indexOf(':')) + "\"]}");

        assertThat(refusal(makeKnock(roomId, bobId, "10"))).isEqualTo(refusal(403, "M_FORBIDDEN"));
        assertThat(refusal(sendKnock(roomId, knockId(knock), knock))).isEqualTo(refusal(403, "M_FORBIDDEN"));
        assertThat(membership(a, roomId, bobId)).isEqualTo("none");
    }
}
