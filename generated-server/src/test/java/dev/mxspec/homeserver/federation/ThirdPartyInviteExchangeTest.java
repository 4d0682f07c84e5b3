package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.JsonSigning;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.homeserver.services.ClientEvents;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.serverserver.endpoints.ExchangeThirdPartyInvite;
import dev.mxspec.spec.v1_7.serverserver.endpoints.OnBindThirdPartyIdentifier;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Third-party invites across servers: alice of server A invites an e-mail address ({@code m.room.third_party_invite}
 * with an identity server's public key); bob of server B binds it, and B has the invite made by A
 * ({@code exchange_third_party_invite}), as the identity server's {@code 3pid/onbind} asks; what A and B refuse of
 * those requests (a signature not of the identity server's key, an unknown token, another user, malformed bodies).
 */
class ThirdPartyInviteExchangeTest extends TwoFederatingServers {

    private static final String TOKEN = "tok1";
    private static final String ADDRESS = "bob@example.org";

    private final SigningKey identityServer = SigningKey.generate("0");
    private String roomId;

    private void servers(String backend) throws Exception {
        aliceOnAAndBobOnB(backend);
        roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"private_chat\"}").path("room_id").asText();
        api.call(a, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/state/m.room.third_party_invite/" + TOKEN, alice,
                "{\"display_name\":\"b...@example.org\",\"key_validity_url\":\"https://id.example/_matrix/identity/v2/pubkey/isvalid\","
                        + "\"public_key\":\"" + identityServer.publicKeyBase64() + "\"}");
    }

    /** The identity server's {@code signed} object for {@code mxid} and {@code token}, signed with {@code key}. */
    private static ObjectNode signed(String mxid, String token, SigningKey key) {
        ObjectNode signed = MatrixJson.mapper().createObjectNode().put("mxid", mxid).put("token", token);
        return JsonSigning.sign(signed, "id.example", key);
    }

    private ObjectNode exchange(String sender, String target, ObjectNode signed) {
        ObjectNode event = MatrixJson.mapper().createObjectNode();
        event.put("type", "m.room.member");
        event.put("room_id", roomId);
        event.put("sender", sender);
        event.put("state_key", target);
        ObjectNode invite = event.putObject("content").put("membership", "invite").putObject("third_party_invite");
        invite.put("display_name", "bob");
        invite.set("signed", signed);
        return event;
    }

    private FederationClient.Response sendExchange(JsonNode body) throws Exception {
        return b.federation().client().send(nameA, "PUT", ExchangeThirdPartyInvite.ENDPOINT.expand(Map.of("roomId", roomId)), Optional.of(body));
    }

    private FederationClient.Response onBind(JsonNode body) throws Exception {
        return a.federation().client().send(nameB, "PUT", OnBindThirdPartyIdentifier.ENDPOINT.expand(Map.of()), Optional.of(body));
    }

    private ObjectNode binding(String mxid, ObjectNode signed) {
        ObjectNode body = MatrixJson.mapper().createObjectNode().put("medium", "email").put("address", ADDRESS).put("mxid", bobId);
        body.putArray("invites").addObject().put("medium", "email").put("address", ADDRESS).put("mxid", mxid).put("room_id", roomId)
                .put("sender", aliceId).set("signed", signed);
        return body;
    }

    private static String refusal(FederationClient.Response r) {
        return r.status() + " " + r.body().path("errcode").asText();
    }

    private static String membership(Homeserver server, String roomId, String userId) {
        return server.rooms().membership(roomId, userId).orElse("none");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anExchangeWithTheIdentityServersSignatureBecomesAnInviteOfTheBoundUser(String backend) throws Exception {
        servers(backend);

        FederationClient.Response r = sendExchange(exchange(aliceId, bobId, signed(bobId, TOKEN, identityServer)));

        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(MatrixJson.mapper().createObjectNode());
        assertThat(membership(a, roomId, bobId)).isEqualTo("invite");
        assertThat(membership(b, roomId, bobId)).isEqualTo("invite");
        JsonNode invite = ClientEvents.parse(a.storage().event(a.storage().currentState(roomId).get(List.of("m.room.member", bobId)))
                .orElseThrow().json());
        assertThat(invite.path("content").path("third_party_invite").path("display_name").asText()).isEqualTo("b...@example.org");
        assertThat(invite.path("content").path("third_party_invite").path("signed").path("token").asText()).isEqualTo(TOKEN);
        assertThat(invite.path("sender").asText()).isEqualTo(aliceId);
    }

    @Test
    void anExchangeIsRefusedUnlessTheInviteIsTheIdentityServersForThisRoom() throws Exception {
        servers("sqlite");
        String mallory = "@mallory:" + nameB;

        assertThat(refusal(sendExchange(exchange(aliceId, bobId, signed(bobId, TOKEN, SigningKey.generate("0"))))))
                .as("signed by another key").isEqualTo("403 M_FORBIDDEN");
        assertThat(refusal(sendExchange(exchange(aliceId, bobId, signed(bobId, "unknown", identityServer))))).as("an unknown token")
                .isEqualTo("403 M_FORBIDDEN");
        assertThat(refusal(sendExchange(exchange(aliceId, bobId, signed(mallory, TOKEN, identityServer))))).as("signed for another user")
                .isEqualTo("400 M_INVALID_PARAM");
        assertThat(refusal(sendExchange(exchange(aliceId, "@carol:" + nameA, signed("@carol:" + nameA, TOKEN, identityServer)))))
                .as("a user of another server than the origin").isEqualTo("403 M_FORBIDDEN");
        assertThat(refusal(sendExchange(exchange(bobId, bobId, signed(bobId, TOKEN, identityServer))))).as("a sender not of A")
                .isEqualTo("403 M_FORBIDDEN");
        ObjectNode otherRoom = exchange(aliceId, bobId, signed(bobId, TOKEN, identityServer)).put("room_id", "!other:" + nameA);
        assertThat(refusal(sendExchange(otherRoom))).as("another room than the path's").isEqualTo("400 M_INVALID_PARAM");
        ObjectNode unsigned = exchange(aliceId, bobId, signed(bobId, TOKEN, identityServer));
        unsigned.withObjectProperty("content").withObjectProperty("third_party_invite").remove("signed");
        assertThat(refusal(sendExchange(unsigned))).isEqualTo("400 M_BAD_JSON");
        assertThat(refusal(sendExchange(NullNode.getInstance()))).isEqualTo("400 M_NOT_JSON");
        assertThat(membership(a, roomId, bobId)).isEqualTo("none");
        assertThat(membership(a, roomId, mallory)).isEqualTo("none");
        assertThat(membership(b, roomId, bobId)).isEqualTo("none");
    }

    @Test
    void onBindHasTheInvitesOfTheBoundUserMadeByTheRoomsServer() throws Exception {
        servers("sqlite");

        FederationClient.Response r = onBind(binding(bobId, signed(bobId, TOKEN, identityServer)));

        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        assertThat(membership(b, roomId, bobId)).isEqualTo("invite");
        assertThat(membership(a, roomId, bobId)).isEqualTo("invite");
    }

    @Test
    void onBindRefusesInvitesThisServerCannotMake() throws Exception {
        servers("sqlite");

        FederationClient.Response forged = onBind(binding(bobId, signed(bobId, TOKEN, SigningKey.generate("0"))));
        assertThat(refusal(forged)).as(forged.body().toString()).isEqualTo("403 M_FORBIDDEN");
        assertThat(forged.body().path("error").asText()).contains(roomId);
        assertThat(refusal(onBind(binding("@carol:" + nameB, signed("@carol:" + nameB, TOKEN, identityServer))))).as("another user's invite")
                .isEqualTo("400 M_INVALID_PARAM");
        ObjectNode unknownUser = binding(bobId, signed(bobId, TOKEN, identityServer)).put("mxid", "@nobody:" + nameB);
        assertThat(refusal(onBind(unknownUser))).isEqualTo("404 M_NOT_FOUND");
        ObjectNode noInvites = binding(bobId, signed(bobId, TOKEN, identityServer));
        noInvites.remove("invites");
        assertThat(refusal(onBind(noInvites))).isEqualTo("400 M_BAD_JSON");
        assertThat(refusal(onBind(NullNode.getInstance()))).isEqualTo("400 M_NOT_JSON");
        assertThat(membership(a, roomId, bobId)).isEqualTo("none");
        assertThat(membership(b, roomId, bobId)).isEqualTo("none");
    }
}
