package dev.mxspec.homeserver.federation;

import static dev.mxspec.homeserver.federation.FederatedPublicRoomsTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Space hierarchies across servers: a space on one server with children on both, walked for users of the first
 * ({@code /_matrix/client/v1/rooms/{roomId}/hierarchy}), the children on the other server asked of it through
 * {@code /_matrix/federation/v1/hierarchy/{roomId}}; rooms a user or server may not see are left out or listed as
 * inaccessible.
 */
class SpaceHierarchyTest extends TwoFederatingServers {

    private String nameA;
    private String nameB;
    private String alice;
    private String dave;
    private String space;
    private String publicA;
    private String privateA;
    private String publicB;
    private String privateB;
    private String spaceB;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aSpaceWithChildrenOnBothServersIsWalkedAsEachUserMaySeeIt(String backend) throws Exception {
        build(backend);
        // dave of A sees the space, its public children here and there, the space on B and its public child
        assertThat(roomIds(hierarchy(dave, space, ""))).containsExactly(space, publicA, publicB, spaceB);
        JsonNode daves = hierarchy(dave, space, "");
        JsonNode first = daves.path("rooms").get(0);
        assertThat(first.path("room_type").asText()).isEqualTo("m.space");
        assertThat(first.path("name").asText()).isEqualTo("The space");
        assertThat(childIds(first)).containsExactlyInAnyOrder(publicA, privateA, publicB, spaceB);
        JsonNode remote = daves.path("rooms").get(3);
        assertThat(remote.path("name").asText()).isEqualTo("B's space");
        assertThat(childIds(remote)).containsExactlyInAnyOrder(publicB, privateB);
        // alice is in the private room of A: she sees it too, not B's private one
        assertThat(roomIds(hierarchy(alice, space, ""))).containsExactly(space, publicA, privateA, publicB, spaceB);
        // suggested_only: only the children marked suggested
        assertThat(roomIds(hierarchy(dave, space, "suggested_only=true"))).containsExactly(space, publicA);
        // max_depth=0: the room alone
        assertThat(roomIds(hierarchy(dave, space, "max_depth=0"))).containsExactly(space);

        // pages of one room follow each other to the same walk
        List<String> paged = new ArrayList<>();
        String from = null;
        do {
            JsonNode page = hierarchy(dave, space, "limit=1" + (from == null ? "" : "&from=" + ClientApi.enc(from)));
            assertThat(page.path("rooms")).hasSize(1);
            paged.addAll(roomIds(page));
            from = page.path("next_batch").isTextual() ? page.path("next_batch").asText() : null;
        } while (from != null);
        assertThat(paged).containsExactly(space, publicA, publicB, spaceB);

        // the federation endpoint: B asks A for the space; A's private child is inaccessible, B's rooms are not A's to tell
        FederationClient.Response forB = signed(b, a, "GET", "/_matrix/federation/v1/hierarchy/" + ClientApi.enc(space), null);
        assertThat(forB.status()).isEqualTo(200);
        assertThat(forB.body().path("room").path("room_id").asText()).isEqualTo(space);
        assertThat(childIds(forB.body().path("room"))).containsExactlyInAnyOrder(publicA, privateA, publicB, spaceB);
        assertThat(roomIdsOf(forB.body().path("children"))).containsExactly(publicA);
        assertThat(forB.body().path("inaccessible_children").toString()).isEqualTo("[\"" + privateA + "\"]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void roomsThatMayNotBeSeenAreRefused(String backend) throws Exception {
        build(backend);
        // a user of A not in a private room, and a room nobody here knows
        assertError(hierarchyRaw(dave, privateA, ""), 403, "M_FORBIDDEN");
        assertError(hierarchyRaw(dave, "!unknown:" + nameA, ""), 403, "M_FORBIDDEN");
        // B may not peek A's private room, nor a room A does not hold
        assertThat(signed(b, a, "GET", "/_matrix/federation/v1/hierarchy/" + ClientApi.enc(privateA), null).status()).isEqualTo(404);
        FederationClient.Response unknown = signed(b, a, "GET", "/_matrix/federation/v1/hierarchy/" + ClientApi.enc("!nope:" + nameA), null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("errcode").asText()).isEqualTo("M_NOT_FOUND");
        assertError(unsigned(a, "GET", "/_matrix/federation/v1/hierarchy/" + ClientApi.enc(space), null), 401, "M_UNAUTHORIZED");
        // bad parameters, and a token used with other parameters than its own
        assertError(hierarchyRaw(dave, space, "limit=0"), 400, "M_INVALID_PARAM");
        assertError(hierarchyRaw(dave, space, "max_depth=-1"), 400, "M_INVALID_PARAM");
        assertError(hierarchyRaw(dave, space, "from=garbage"), 400, "M_INVALID_PARAM");
        String token = hierarchy(dave, space, "limit=1").path("next_batch").asText();
        assertError(hierarchyRaw(dave, space, "limit=1&suggested_only=true&from=" + ClientApi.enc(token)), 400, "M_INVALID_PARAM");
        assertError(hierarchyRaw(dave, space, "limit=1&max_depth=1&from=" + ClientApi.enc(token)), 400, "M_INVALID_PARAM");
        assertError(hierarchyRaw(null, space, ""), 401, "M_MISSING_TOKEN");
    }

    /**
     * A: the space (public, alice's) with children publicA (suggested), privateA (invite only), publicB and spaceB; B: spaceB
     * (public, bob's) with children publicB and privateB (invite only). dave is a user of A in none of the rooms.
     */
    private void build(String backend) throws Exception {
        a = start(backend, "a");
        b = start("sqlite", "b");
        nameA = FederationServers.name(a);
        nameB = FederationServers.name(b);
        alice = api.register(a, "alice");
        dave = api.register(a, "dave");
        String bob = api.register(b, "bob");
        space = create(a, alice, "{\"preset\":\"public_chat\",\"name\":\"The space\",\"creation_content\":{\"type\":\"m.space\"}}");
        publicA = create(a, alice, "{\"preset\":\"public_chat\",\"name\":\"Public A\"}");
        privateA = create(a, alice, "{\"preset\":\"private_chat\",\"name\":\"Private A\"}");
        spaceB = create(b, bob, "{\"preset\":\"public_chat\",\"name\":\"B's space\",\"creation_content\":{\"type\":\"m.space\"}}");
        publicB = create(b, bob, "{\"preset\":\"public_chat\",\"name\":\"Public B\"}");
        privateB = create(b, bob, "{\"preset\":\"private_chat\",\"name\":\"Private B\"}");
        child(a, alice, space, publicA, "{\"via\":[\"" + nameA + "\"],\"suggested\":true,\"order\":\"a\"}");
        child(a, alice, space, privateA, "{\"via\":[\"" + nameA + "\"],\"order\":\"b\"}");
        child(a, alice, space, publicB, "{\"via\":[\"" + nameB + "\"],\"order\":\"c\"}");
        child(a, alice, space, spaceB, "{\"via\":[\"" + nameB + "\"],\"order\":\"d\"}");
        child(b, bob, spaceB, publicB, "{\"via\":[\"" + nameB + "\"]}");
        child(b, bob, spaceB, privateB, "{\"via\":[\"" + nameB + "\"]}");
    }

    private String create(dev.mxspec.homeserver.main.Homeserver server, String token, String body) throws Exception {
        return api.call(server, "POST", "/createRoom", token, body).path("room_id").asText();
    }

    private void child(dev.mxspec.homeserver.main.Homeserver server, String token, String parent, String child, String content) throws Exception {
        api.call(server, "PUT", "/rooms/" + ClientApi.enc(parent) + "/state/m.space.child/" + ClientApi.enc(child), token, content);
    }

    private JsonNode hierarchy(String token, String roomId, String query) throws Exception {
        var response = hierarchyRaw(token, roomId, query);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return ClientApi.json(response);
    }

    private java.net.http.HttpResponse<String> hierarchyRaw(String token, String roomId, String query) throws Exception {
        return api.at(a, "GET", "/_matrix/client/v1/rooms/" + ClientApi.enc(roomId) + "/hierarchy" + (query.isEmpty() ? "" : "?" + query),
                token, null);
    }

    private static List<String> roomIds(JsonNode response) {
        return roomIdsOf(response.path("rooms"));
    }

    private static List<String> roomIdsOf(JsonNode rooms) {
        List<String> ids = new ArrayList<>();
        rooms.forEach(r -> ids.add(r.path("room_id").asText()));
        return ids;
    }

    private static List<String> childIds(JsonNode room) {
        List<String> ids = new ArrayList<>();
        room.path("children_state").forEach(e -> ids.add(e.path("state_key").asText()));
        return ids;
    }
}
