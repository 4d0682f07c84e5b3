package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two homeservers federating over TLS on loopback, end to end through their client APIs: a user of one joins a room
 * of the other (make_join, send_join), and messages cross both ways in transactions, reaching the other users' syncs.
 */
class FederatedRoomTest extends TwoFederatingServers {

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aUserJoinsARoomOfAnotherServerAndTheyTalk(String backend) throws Exception {
        a = start("sqlite", "a");
        b = start(backend, "b");
        String nameA = FederationServers.name(a);
        String nameB = FederationServers.name(b);
        String alice = api.register(a, "alice");
        String bob = api.register(b, "bob");
        String roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"name\":\"two servers\","
                + "\"room_alias_name\":\"meeting\"}").path("room_id").asText();
        String alias = "#meeting:" + nameA;
        JsonNode lookedUp = api.call(b, "GET", "/directory/room/" + ClientApi.enc(alias), bob, null);
        assertThat(lookedUp.path("room_id").asText()).isEqualTo(roomId);
        assertThat(lookedUp.path("servers").toString()).contains(nameA);

        JsonNode joined = api.call(b, "POST", "/join/" + ClientApi.enc(alias), bob, "{}");
        assertThat(joined.path("room_id").asText()).isEqualTo(roomId);
        JsonNode bobsView = api.syncUntil(b, bob, s -> s.path("rooms").path("join").has(roomId));
        assertThat(bobsView.path("rooms").path("join").path(roomId).toString()).contains("two servers");
        assertThat(api.call(a, "GET", "/rooms/" + ClientApi.enc(roomId) + "/joined_members", alice, null).path("joined").has("@bob:" + nameB)).isTrue();

        api.call(a, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/send/m.room.message/1", alice, "{\"msgtype\":\"m.text\",\"body\":\"hello from A\"}");
        api.syncUntil(b, bob, s -> s.toString().contains("hello from A"));
        String fromB = api.call(b, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/send/m.room.message/1", bob,
                "{\"msgtype\":\"m.text\",\"body\":\"hello from B\"}").path("event_id").asText();
        api.syncUntil(a, alice, s -> s.toString().contains("hello from B"));

        // typing and receipts cross too
        api.call(a, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/typing/" + ClientApi.enc("@alice:" + nameA), alice, "{\"typing\":true,\"timeout\":20000}");
        api.syncUntil(b, bob, s -> s.path("rooms").path("join").path(roomId).path("ephemeral").toString().contains("@alice:" + nameA));
        api.call(a, "POST", "/rooms/" + ClientApi.enc(roomId) + "/receipt/m.read/" + ClientApi.enc(fromB), alice, "{}");
        api.syncUntil(b, bob, s -> s.path("rooms").path("join").path(roomId).path("ephemeral").toString().contains("m.receipt")
                && s.toString().contains(fromB));
        assertThat(b.storage().currentState(roomId)).isEqualTo(a.storage().currentState(roomId));

        // profiles of the other server's users are asked of it
        api.call(b, "PUT", "/profile/" + ClientApi.enc("@bob:" + nameB) + "/displayname", bob, "{\"displayname\":\"Bob of B\"}");
        assertThat(api.call(a, "GET", "/profile/" + ClientApi.enc("@bob:" + nameB), alice, null).path("displayname").asText())
                .isEqualTo("Bob of B");
        assertThat(api.call(a, "GET", "/profile/" + ClientApi.enc("@bob:" + nameB) + "/displayname", alice, null).path("displayname")
                .asText()).isEqualTo("Bob of B");
        assertThat(api.raw(a, "GET", "/profile/" + ClientApi.enc("@nobody:" + nameB), alice, null).statusCode()).isEqualTo(404);

        // an alias the other server does not have, and a room it does not hold: 404, nothing made here
        assertThat(api.raw(b, "GET", "/directory/room/" + ClientApi.enc("#nothing:" + nameA), bob, "{}").statusCode()).isEqualTo(404);
        assertThat(api.raw(b, "POST", "/join/" + ClientApi.enc("!nothing:" + nameA), bob, "{}").statusCode()).isEqualTo(404);
        assertThat(b.storage().room("!nothing:" + nameA)).isEmpty();
    }
}
