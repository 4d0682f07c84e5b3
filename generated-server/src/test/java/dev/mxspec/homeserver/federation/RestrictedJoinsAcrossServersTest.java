package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.serverserver.endpoints.MakeJoin;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendJoinV2;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Restricted rooms across servers: room R of server A lets in the members of room S; bob of server B joins R through
 * A, which names its member alice as the join's authoriser and signs the join; A refuses him when he is not in S
 * ({@code M_FORBIDDEN}), when it cannot check the condition ({@code M_UNABLE_TO_AUTHORISE_JOIN}) or no member of it
 * may invite ({@code M_UNABLE_TO_GRANT_JOIN}); a join naming alice without A's signature is refused on receipt; a
 * third server that cannot authorise is passed over for A.
 */
class RestrictedJoinsAcrossServersTest extends TwoFederatingServers {

    private String space;

    private void servers(String backend) throws Exception {
        aliceOnAAndBobOnB(backend);
        space = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"name\":\"space\"}").path("room_id").asText();
    }

    /** A room of A, version 10, restricted to the members of {@code allowed}, with {@code extra} creation fields. */
    private String restricted(String allowed, String extra) throws Exception {
        return api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"private_chat\",\"room_version\":\"10\"" + extra
                + ",\"initial_state\":[{\"type\":\"m.room.join_rules\",\"state_key\":\"\",\"content\":{\"join_rule\":\"restricted\","
                + "\"allow\":[{\"type\":\"m.room_membership\",\"room_id\":\"" + allowed + "\"}]}}]}").path("room_id").asText();
    }

    private HttpResponse<String> join(Homeserver server, String token, String roomId, String... through) throws Exception {
        StringBuilder query = new StringBuilder();
        for (String s : through) {
            query.append(query.isEmpty() ? "?" : "&").append("server_name=").append(ClientApi.enc(s));
        }
        return api.raw(server, "POST", "/join/" + ClientApi.enc(roomId) + query, token, "{}");
    }

    private FederationClient.Response makeJoin(Homeserver from, String to, String roomId, String userId) throws Exception {
        return from.federation().client().send(to, "GET", MakeJoin.ENDPOINT.expand(Map.of("roomId", roomId, "userId", userId)) + "?ver=10",
                Optional.empty());
    }

    private static String refusal(FederationClient.Response r) {
        return r.status() + " " + r.body().path("errcode").asText();
    }

    private static String membership(Homeserver server, String roomId, String userId) {
        return server.rooms().membership(roomId, userId).orElse("none");
    }

    private static JsonNode memberEvent(Homeserver server, String roomId, String userId) {
        return ClientEvents.parse(server.storage().event(server.storage().currentState(roomId).get(List.of("m.room.member", userId)))
                .orElseThrow().json());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aMemberOfTheAllowedRoomJoinsThroughTheResidentServerWhichVouchesForHim(String backend) throws Exception {
        servers(backend);
        String roomId = restricted(space, "");
        assertThat(join(b, bob, space, nameA).statusCode()).isEqualTo(200);

        HttpResponse<String> joined = join(b, bob, roomId, nameA);

        assertThat(joined.statusCode()).as(joined.body()).isEqualTo(200);
        assertThat(membership(a, roomId, bobId)).isEqualTo("join");
        assertThat(membership(b, roomId, bobId)).isEqualTo("join");
        JsonNode join = memberEvent(a, roomId, bobId);
        assertThat(join.path("content").path("join_authorised_via_users_server").asText()).isEqualTo("@alice:" + nameA);
        List<String> signers = new ArrayList<>();
        join.path("signatures").fieldNames().forEachRemaining(signers::add);
        assertThat(signers).containsExactlyInAnyOrder(nameA, nameB);
        assertThat(memberEvent(b, roomId, bobId)).isEqualTo(join);
        assertThat(b.storage().currentState(roomId)).isEqualTo(a.storage().currentState(roomId));
    }

    @Test
    void theResidentServerRefusesAsTheSpecSays() throws Exception {
        servers("sqlite");
        String roomId = restricted(space, "");
        String unknownAllowed = restricted("!elsewhere:unknown.example", "");
        String nobodyMayInvite = restricted(space, ",\"power_level_content_override\":{\"invite\":101}");

        assertThat(refusal(makeJoin(b, nameA, roomId, bobId))).as("not in the allowed room").isEqualTo("403 M_FORBIDDEN");
        HttpResponse<String> refused = join(b, bob, roomId, nameA);
        assertThat(refused.statusCode()).as(refused.body()).isNotEqualTo(200);
        assertThat(membership(a, roomId, bobId)).isEqualTo("none");

        assertThat(join(b, bob, space, nameA).statusCode()).isEqualTo(200);
        assertThat(refusal(makeJoin(b, nameA, unknownAllowed, bobId))).isEqualTo("400 M_UNABLE_TO_AUTHORISE_JOIN");
        assertThat(refusal(makeJoin(b, nameA, nobodyMayInvite, bobId))).isEqualTo("400 M_UNABLE_TO_GRANT_JOIN");
        assertThat(membership(a, unknownAllowed, bobId)).isEqualTo("none");
        assertThat(membership(a, nobodyMayInvite, bobId)).isEqualTo("none");
    }

    @Test
    void aJoinNamingAnAuthoriserWithoutHisServersSignatureIsRefusedOnReceipt() throws Exception {
        servers("sqlite");
        String roomId = restricted(space, "");
        assertThat(join(b, bob, space, nameA).statusCode()).isEqualTo(200);
        FederationClient.Response made = makeJoin(b, nameA, roomId, bobId);
        assertThat(made.status()).as(made.body().toString()).isEqualTo(200);
        ObjectNode join = b.rooms().membershipProtocols().signTemplate((ObjectNode) made.body().get("event"), "10");
        String joinId = EventIds.of(join, RoomVersions.of("10").orElseThrow()).orElseThrow();

        ObjectNode txn = MatrixJson.mapper().createObjectNode().put("origin", nameB).put("origin_server_ts", System.currentTimeMillis());
        txn.putArray("pdus").add(join);
        txn.putArray("edus");
        FederationClient.Response sent = b.federation().client().send(nameA, "PUT", "/_matrix/federation/v1/send/forged1", Optional.of(txn));

        assertThat(sent.status()).isEqualTo(200);
        assertThat(sent.body().path("pdus").path(joinId).path("error").asText()).contains("signature", nameA);
        assertThat(a.storage().graphRow(joinId)).isEmpty();
        assertThat(membership(a, roomId, bobId)).isEqualTo("none");

        FederationClient.Response accepted = b.federation().client().send(nameA, "PUT",
                SendJoinV2.ENDPOINT.expand(Map.of("roomId", roomId, "eventId", joinId)), Optional.of(join));
        assertThat(accepted.status()).as(accepted.body().toString()).isEqualTo(200);
        assertThat(accepted.body().path("event").path("signatures").has(nameA)).isTrue();
        assertThat(membership(a, roomId, bobId)).isEqualTo("join");
    }

    @Test
    void aJoiningServerPassesOverAServerThatCannotAuthoriseTheJoin() throws Exception {
        servers("sqlite");
        c = start("sqlite", "c");
        String nameC = FederationServers.name(c);
        String carol = api.register(c, "carol");
        String roomId = restricted(space, "");
        api.call(a, "POST", "/rooms/" + ClientApi.enc(roomId) + "/invite", alice, "{\"user_id\":\"@carol:" + nameC + "\"}");
        assertThat(join(c, carol, roomId, nameA).statusCode()).isEqualTo(200);
        assertThat(join(b, bob, space, nameA).statusCode()).isEqualTo(200);
        assertThat(refusal(makeJoin(b, nameC, roomId, bobId))).as("C does not hold the allowed room").isEqualTo("400 M_UNABLE_TO_AUTHORISE_JOIN");

        HttpResponse<String> joined = join(b, bob, roomId, nameC, nameA);

        assertThat(joined.statusCode()).as(joined.body()).isEqualTo(200);
        assertThat(memberEvent(a, roomId, bobId).path("content").path("join_authorised_via_users_server").asText()).isEqualTo("@alice:" + nameA);
    }
}
