package dev.mxspec.homeserver.federation;

import static dev.mxspec.homeserver.federation.FederatedPublicRoomsTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code timestamp_to_event}: the event of a room nearest a time, forwards or backwards, for a member through the client
 * API and for another server in the room through federation; never an event the asker may not see.
 */
class TimestampToEventTest extends TwoFederatingServers {

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theEventNearestATimeIsFoundThroughBothApis(String backend) throws Exception {
        a = start(backend, "a");
        b = start(backend, "b");
        String nameA = FederationServers.name(a);
        String alice = api.register(a, "alice");
        String carol = api.register(a, "carol");
        String bob = api.register(b, "bob");
        String roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"room_alias_name\":\"times\"}")
                .path("room_id").asText();
        String room = ClientApi.enc(roomId);
        api.call(b, "POST", "/join/" + ClientApi.enc("#times:" + nameA), bob, "{}");
        String before = send(alice, room, "1", "before");
        long between = waitAMoment();
        String after = send(alice, room, "2", "after");
        long end = waitAMoment();
        api.syncUntil(b, bob, s -> s.toString().contains("\"after\""));

        assertThat(nearest(alice, room, between, "b")).isEqualTo(before);
        assertThat(nearest(alice, room, between, "f")).isEqualTo(after);
        assertThat(nearest(alice, room, 0, "f")).startsWith("$"); // the room's creation
        JsonNode found = ClientApi.json(byTime(a, alice, room, "ts=" + end + "&dir=b"));
        assertThat(found.path("event_id").asText()).isEqualTo(after);
        assertThat(found.path("origin_server_ts").asLong()).isLessThanOrEqualTo(end);
        assertThat(ClientApi.json(byTime(b, bob, room, "ts=" + between + "&dir=f")).path("event_id").asText()).isEqualTo(after);

        FederationClient.Response fed = signed(b, a, "GET", "/_matrix/federation/v1/timestamp_to_event/" + room + "?ts=" + between + "&dir=b",
                null);
        assertThat(fed.status()).isEqualTo(200);
        assertThat(fed.body().path("event_id").asText()).isEqualTo(before);

        // refusals: bad parameters, nothing after the end, a user not in the room, a room B may not see, an unknown room
        assertError(byTime(a, alice, room, "ts=" + between + "&dir=x"), 400, "M_INVALID_PARAM");
        assertError(byTime(a, alice, room, "ts=soon&dir=f"), 400, "M_INVALID_PARAM", "M_BAD_JSON");
        assertError(byTime(a, alice, room, "dir=f"), 400, "M_MISSING_PARAM");
        assertError(byTime(a, alice, room, "ts=" + (end + 3_600_000) + "&dir=f"), 404, "M_NOT_FOUND");
        assertError(byTime(a, carol, room, "ts=" + between + "&dir=b"), 403, "M_FORBIDDEN");
        assertError(byTime(a, alice, ClientApi.enc("!nothing:" + nameA), "ts=1&dir=f"), 404, "M_NOT_FOUND");
        String privateRoom = ClientApi.enc(api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"private_chat\"}").path("room_id").asText());
        send(alice, privateRoom, "3", "secret");
        FederationClient.Response hidden = signed(b, a, "GET", "/_matrix/federation/v1/timestamp_to_event/" + privateRoom + "?ts=0&dir=f",
                null);
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.body().path("errcode").asText()).isEqualTo("M_NOT_FOUND");
        FederationClient.Response badDir = signed(b, a, "GET", "/_matrix/federation/v1/timestamp_to_event/" + room + "?ts=1&dir=up", null);
        assertThat(badDir.status()).isEqualTo(400);
        assertThat(signed(b, a, "GET", "/_matrix/federation/v1/timestamp_to_event/" + ClientApi.enc("!nothing:" + nameA) + "?ts=1&dir=f",
                null).status()).isEqualTo(404);
        assertError(unsigned(a, "GET", "/_matrix/federation/v1/timestamp_to_event/" + room + "?ts=1&dir=f", null), 401, "M_UNAUTHORIZED");
    }

    private String send(String token, String room, String txn, String body) throws Exception {
        return api.call(a, "PUT", "/rooms/" + room + "/send/m.room.message/" + txn, token, "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}")
                .path("event_id").asText();
    }

    private String nearest(String token, String room, long ts, String dir) throws Exception {
        var response = byTime(a, token, room, "ts=" + ts + "&dir=" + dir);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return ClientApi.json(response).path("event_id").asText();
    }

    private java.net.http.HttpResponse<String> byTime(dev.mxspec.homeserver.main.Homeserver server, String token, String room, String query)
            throws Exception {
        return api.at(server, "GET", "/_matrix/client/v1/rooms/" + room + "/timestamp_to_event?" + query, token, null);
    }

    /** A time strictly after everything sent so far and strictly before anything sent next. */
    private static long waitAMoment() throws InterruptedException {
        Thread.sleep(20);
        long now = System.currentTimeMillis();
        Thread.sleep(20);
        return now;
    }
}
