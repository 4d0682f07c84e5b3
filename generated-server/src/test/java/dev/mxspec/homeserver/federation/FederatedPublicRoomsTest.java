package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The public room directory across servers: a user of one server lists another's ({@code /publicRooms?server=}), which
 * answers through {@code /_matrix/federation/v1/publicRooms} with the rooms published there, filtered and in pages.
 */
class FederatedPublicRoomsTest extends TwoFederatingServers {

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aUserListsTheDirectoryOfAnotherServer(String backend) throws Exception {
        a = start(backend, "a");
        b = start("sqlite", "b");
        String nameA = FederationServers.name(a);
        String alice = api.register(a, "alice");
        String bob = api.register(b, "bob");
        api.call(a, "POST", "/createRoom", alice, "{\"visibility\":\"public\",\"preset\":\"public_chat\",\"name\":\"Alpha room\",\"topic\":\"first\"}");
        api.call(a, "POST", "/createRoom", alice, "{\"visibility\":\"public\",\"preset\":\"public_chat\",\"name\":\"Beta room\"}");
        api.call(a, "POST", "/createRoom", alice, "{\"visibility\":\"public\",\"preset\":\"public_chat\",\"name\":\"Gamma space\","
                + "\"creation_content\":{\"type\":\"m.space\"}}");
        api.call(a, "POST", "/createRoom", alice, "{\"name\":\"Hidden room\"}");
        api.call(b, "POST", "/createRoom", bob, "{\"visibility\":\"public\",\"preset\":\"public_chat\",\"name\":\"Bob's own\"}");

        String server = "?server=" + ClientApi.enc(nameA);
        JsonNode all = api.call(b, "GET", "/publicRooms" + server, bob, null);
        assertThat(names(all)).containsExactlyInAnyOrder("Alpha room", "Beta room", "Gamma space");
        assertThat(all.path("total_room_count_estimate").asInt()).isEqualTo(3);
        assertThat(names(api.call(b, "GET", "/publicRooms", bob, null))).containsExactly("Bob's own");

        JsonNode first = api.call(b, "POST", "/publicRooms" + server, bob, "{\"limit\":2}");
        assertThat(first.path("chunk")).hasSize(2);
        JsonNode second = api.call(b, "POST", "/publicRooms" + server, bob, "{\"limit\":2,\"since\":\"" + first.path("next_batch").asText() + "\"}");
        assertThat(second.path("chunk")).hasSize(1);
        assertThat(second.has("next_batch")).isFalse();
        List<String> paged = new ArrayList<>(names(first));
        paged.addAll(names(second));
        assertThat(paged).containsExactlyInAnyOrder("Alpha room", "Beta room", "Gamma space");

        assertThat(names(api.call(b, "POST", "/publicRooms" + server, bob, "{\"filter\":{\"generic_search_term\":\"BETA\"}}")))
                .containsExactly("Beta room");
        assertThat(names(api.call(b, "POST", "/publicRooms" + server, bob, "{\"filter\":{\"room_types\":[\"m.space\"]}}")))
                .containsExactly("Gamma space");
        assertThat(names(api.call(b, "POST", "/publicRooms" + server, bob, "{\"third_party_instance_id\":\"irc\"}"))).isEmpty();
        assertThat(names(api.call(b, "POST", "/publicRooms" + server, bob, "{\"include_all_networks\":true,\"third_party_instance_id\":\"irc\"}")))
                .hasSize(3);

        // the federation endpoint itself, as another server asks it
        FederationClient.Response get = signed(b, a, "GET", "/_matrix/federation/v1/publicRooms?limit=1", null);
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.body().path("chunk")).hasSize(1);
        assertThat(get.body().path("next_batch").asText()).isNotEmpty();
        assertThat(signed(b, a, "GET", "/_matrix/federation/v1/publicRooms?third_party_instance_id=irc", null).body().path("chunk")).isEmpty();
        assertThat(signed(b, a, "GET", "/_matrix/federation/v1/publicRooms?include_all_networks=true&third_party_instance_id=irc", null)
                .body().path("chunk")).hasSize(3);
        FederationClient.Response post = signed(b, a, "POST", "/_matrix/federation/v1/publicRooms",
                MatrixJson.mapper().readTree("{\"filter\":{\"generic_search_term\":\"alpha\"}}"));
        assertThat(names(post.body())).containsExactly("Alpha room");
        assertThat(post.body().path("chunk").get(0).path("topic").asText()).isEqualTo("first");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void badRequestsForTheDirectoryAreRefused(String backend) throws Exception {
        a = start(backend, "a");
        b = start("sqlite", "b");
        String nameA = FederationServers.name(a);
        String bob = api.register(b, "bob");
        String server = "?server=" + ClientApi.enc(nameA);

        assertError(api.raw(b, "POST", "/publicRooms" + server, bob, "null"), 400, "M_NOT_JSON", "M_BAD_JSON");
        assertError(api.raw(b, "POST", "/publicRooms" + server, bob, "{\"limit\":"), 400, "M_NOT_JSON");
        assertError(api.raw(b, "POST", "/publicRooms" + server, bob, "{\"limit\":\"ten\"}"), 400, "M_BAD_JSON");
        assertError(api.raw(b, "GET", "/publicRooms" + server + "&since=zzz", bob, null), 400, "M_INVALID_PARAM");
        assertError(api.raw(b, "GET", "/publicRooms?server=" + ClientApi.enc("not a server!"), bob, null), 400, "M_INVALID_PARAM");
        assertError(api.raw(b, "GET", "/publicRooms?server=" + ClientApi.enc("localhost:" + FederationServers.freePort()), bob, null),
                502, "M_UNKNOWN");

        FederationClient.Response nullBody = signed(b, a, "POST", "/_matrix/federation/v1/publicRooms", NullNode.getInstance());
        assertThat(nullBody.status()).isEqualTo(400);
        assertThat(nullBody.body().path("errcode").asText()).isIn("M_NOT_JSON", "M_BAD_JSON");
        FederationClient.Response badType = signed(b, a, "POST", "/_matrix/federation/v1/publicRooms",
                MatrixJson.mapper().readTree("{\"filter\":[]}"));
        assertThat(badType.status()).isEqualTo(400);
        assertThat(badType.body().path("errcode").asText()).isEqualTo("M_BAD_JSON");
        assertThat(signed(b, a, "GET", "/_matrix/federation/v1/publicRooms?since=p-4", null).status()).isEqualTo(400);
        HttpResponse<String> anonymous = unsigned(a, "GET", "/_matrix/federation/v1/publicRooms", null);
        assertError(anonymous, 401, "M_UNAUTHORIZED");
    }

    static List<String> names(JsonNode response) {
        List<String> names = new ArrayList<>();
        response.path("chunk").forEach(c -> names.add(c.path("name").asText()));
        return names;
    }

    static void assertError(HttpResponse<String> response, int status, String... errcodes) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(ClientApi.json(response).path("errcode").asText()).isIn((Object[]) errcodes);
    }
}
