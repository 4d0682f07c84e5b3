package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.spec.v1_7.serverserver.endpoints.MakeJoin;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendJoinV2;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code send_join} v2 with {@code omit_members=true} at server A, asked by server B for bob: the state without the
 * memberships a client does not need (kept: the heroes of a room without a name, and those the auth chains cite),
 * {@code members_omitted}, {@code servers_in_room}, an auth chain without the events of the state; without the flag,
 * the whole state.
 */
class SendJoinOmitMembersTest extends TwoFederatingServers {

    private String nameA;
    private String nameB;
    private String alice;
    private final List<String> locals = new ArrayList<>();

    /** A public room of A of alice and six other users of A, joined in order; {@code name} when not empty. */
    private String room(String name) throws Exception {
        a = start("sqlite", "a");
        b = start("sqlite", "b");
        nameA = FederationServers.name(a);
        nameB = FederationServers.name(b);
        api.register(b, "bob");
        alice = api.register(a, "alice");
        String roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\"" + (name.isEmpty() ? "" : ",\"name\":\"" + name + "\"")
                + "}").path("room_id").asText();
        for (int i = 1; i <= 6; i++) {
            String token = api.register(a, "user" + i);
            api.call(a, "POST", "/join/" + ClientApi.enc(roomId), token, "{}");
            locals.add("@user" + i + ":" + nameA);
        }
        return roomId;
    }

    /** The answer of A to the send_join of {@code userId} of B, made from A's template. */
    private JsonNode sendJoin(String roomId, String userId, String query) throws Exception {
        FederationClient.Response made = b.federation().client().send(nameA, "GET",
                MakeJoin.ENDPOINT.expand(Map.of("roomId", roomId, "userId", userId)) + "?ver=" + a.rooms().rules().defaultVersion(), Optional.empty());
        assertThat(made.status()).as(made.body().toString()).isEqualTo(200);
        String version = made.body().path("room_version").asText();
        ObjectNode join = b.rooms().membershipProtocols().signTemplate((ObjectNode) made.body().get("event"), version);
        String joinId = EventIds.of(join, RoomVersions.of(version).orElseThrow()).orElseThrow();
        FederationClient.Response sent = b.federation().client().send(nameA, "PUT",
                SendJoinV2.ENDPOINT.expand(Map.of("roomId", roomId, "eventId", joinId)) + query, Optional.of(join));
        assertThat(sent.status()).as(sent.body().toString()).isEqualTo(200);
        return sent.body();
    }

    private static Set<String> members(JsonNode state) {
        Set<String> out = new TreeSet<>();
        state.forEach(e -> {
            if (e.path("type").asText().equals("m.room.member")) {
                out.add(e.path("state_key").asText());
            }
        });
        return out;
    }

    private static Set<String> others(JsonNode state) {
        Set<String> out = new TreeSet<>();
        state.forEach(e -> {
            if (!e.path("type").asText().equals("m.room.member")) {
                out.add(e.path("type").asText() + "/" + e.path("state_key").asText());
            }
        });
        return out;
    }

    private Set<String> ids(JsonNode events, String version) {
        Set<String> out = new HashSet<>();
        events.forEach(e -> out.add(EventIds.of((ObjectNode) e, RoomVersions.of(version).orElseThrow()).orElseThrow()));
        return out;
    }

    @Test
    void aRoomWithoutANameKeepsItsHeroesAndTheMembersTheAuthChainsCite() throws Exception {
        String roomId = room("");
        String version = a.storage().room(roomId).orElseThrow().roomVersion();

        JsonNode answer = sendJoin(roomId, "@bob:" + nameB, "?omit_members=true");

        assertThat(answer.path("members_omitted").asBoolean()).isTrue();
        Set<String> heroes = new TreeSet<>(List.of("@alice:" + nameA));
        heroes.addAll(locals.subList(0, 4)); // five heroes, earliest first
        assertThat(members(answer.path("state"))).isEqualTo(heroes);
        assertThat(others(answer.path("state"))).contains("m.room.create/", "m.room.power_levels/", "m.room.join_rules/",
                "m.room.history_visibility/");
        Set<String> inState = ids(answer.path("state"), version);
        Set<String> inChain = ids(answer.path("auth_chain"), version);
        assertThat(inChain).as("the auth chain leaves out what the state holds").doesNotContainAnyElementsOf(inState);
        assertThat(members(answer.path("auth_chain"))).as("no join of a member left out").isEmpty();
        assertThat(answer.path("servers_in_room").toString()).contains(nameA);
        assertThat(answer.path("origin").asText()).isEqualTo(nameA);
    }

    @Test
    void aNamedRoomKeepsOnlyTheMembersTheAuthChainsCiteAndWithoutTheFlagEveryMember() throws Exception {
        String roomId = room("named");

        JsonNode omitted = sendJoin(roomId, "@bob:" + nameB, "?omit_members=true");

        assertThat(omitted.path("members_omitted").asBoolean()).isTrue();
        assertThat(members(omitted.path("state"))).containsExactly("@alice:" + nameA);
        api.register(b, "dan");
        JsonNode whole = sendJoin(roomId, "@dan:" + nameB, "");
        assertThat(whole.path("members_omitted").asBoolean()).isFalse();
        Set<String> everyone = new TreeSet<>(locals);
        everyone.add("@alice:" + nameA);
        everyone.add("@bob:" + nameB);
        assertThat(members(whole.path("state"))).isEqualTo(everyone);
        assertThat(others(whole.path("state"))).isEqualTo(others(omitted.path("state")));
    }
}
