package dev.mxspec.homeserver.main;

import static dev.mxspec.homeserver.main.RoomAccessTest.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /search} finds and counts only what the user may see: rooms he left as far as he saw them, none he was
 * never in, history visibility at each event, through membership changes; rooms named by the filter are searched with
 * the rooms they replaced in upgrades, as far as the user was in them.
 */
class SearchVisibilityTest extends SearchFixture {

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void onlyWhatTheUserMaySeeIsFound(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String eve = http.register("eve", "eve-password");
            String shared = room(alice, "{\"preset\":\"public_chat\",\"topic\":\"secret meetings\"}");
            String firstTopic = server.storage().currentStateEvent(shared, "m.room.topic", "").orElseThrow();
            String early = say(alice, shared, "secret one, before bob came");
            join(bob, shared);
            String during = say(alice, shared, "secret two, while bob is here");
            assertThat(http.call("POST", "/rooms/" + enc(shared) + "/leave", bob, "{}").status()).isEqualTo(200);
            say(alice, shared, "secret three, after bob left");
            state(alice, shared, "m.room.topic", "{\"topic\":\"secret plans after bob\"}");

            String joinedOnly = room(alice, "{\"preset\":\"public_chat\",\"initial_state\":[{\"type\":\"m.room.history_visibility\","
                    + "\"state_key\":\"\",\"content\":{\"history_visibility\":\"joined\"}}]}");
            say(alice, joinedOnly, "secret four, before bob joined");
            join(bob, joinedOnly);
            String seen = say(alice, joinedOnly, "secret five, bob is in");

            String privateRoom = room(alice, "{\"preset\":\"private_chat\"}");
            say(alice, privateRoom, "secret six, bob was never here");
            String invitedTo = room(alice, "{\"preset\":\"private_chat\"}");
            say(alice, invitedTo, "secret seven, bob is only invited");
            http.call("POST", "/rooms/" + enc(invitedTo) + "/invite", alice, "{\"user_id\":\"@bob:localhost\"}");

            ObjectNode criteria = criteria("secret").put("order_by", "recent").put("include_state", true);
            JsonNode bobs = found(bob, criteria);
            assertThat(ids(bobs)).as("shared history he joined into, and what he saw before he left; joined-only history from his join")
                    .containsExactly(seen, during, early, firstTopic)
                    .doesNotContain(server.storage().currentStateEvent(shared, "m.room.topic", "").orElseThrow());
            assertThat(bobs.path("state").path(shared).findParents("type").stream()
                    .filter(e -> e.path("type").asText().equals("m.room.topic")).findFirst().orElseThrow()
                    .path("content").path("topic").asText()).as("the state of a room he left: as he left it").isEqualTo("secret meetings");
            assertThat(ids(bob, filtered(criteria, "{\"rooms\":[\"" + privateRoom + "\"]}"))).isEmpty();
            JsonNode eves = found(eve, criteria);
            assertThat(eves.path("results")).as("a user in no room").isEmpty();
            assertThat(eves.path("count").asLong()).isZero();
            assertThat(ids(alice, criteria)).hasSize(9);
            assertThat(found(bob, criteria).path("count").asLong()).as("what he may see, not what the index holds").isEqualTo(4);

            // ignoring a user hides his messages from search too
            http.call("PUT", "/user/" + enc("@bob:localhost") + "/account_data/m.ignored_user_list", bob,
                    "{\"ignored_users\":{\"@alice:localhost\":{}}}");
            assertThat(ids(bob, criteria)).as("state events excepted").containsExactly(firstTopic);
            assertThat(found(bob, criteria).path("count").asLong()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theCountIsOfWhatTheUserMaySee(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String roomId = room(alice, "{\"preset\":\"public_chat\",\"initial_state\":[{\"type\":\"m.room.history_visibility\","
                    + "\"state_key\":\"\",\"content\":{\"history_visibility\":\"joined\"}}]}");
            for (int i = 0; i < 3; i++) {
                say(alice, roomId, "durian plans " + i);
            }
            join(bob, roomId);
            JsonNode hidden = found(bob, criteria("durian"));
            assertThat(hidden.path("results")).as("matches only in history he may not see").isEmpty();
            assertThat(hidden.path("count").asLong()).isZero();
            assertThat(found(bob, filtered(criteria("durian"), "{\"contains_url\":false}")).path("count").asLong()).isZero();

            String seen = say(alice, roomId, "durian for everyone");
            say(alice, roomId, "unrelated");
            send(alice, roomId, "m.room.message", "{\"msgtype\":\"m.file\",\"body\":\"durian.png\",\"url\":\"mxc://localhost/d\"}");
            JsonNode bobs = found(bob, filtered(criteria("durian").put("order_by", "recent"), "{\"limit\":1}"));
            assertThat(bobs.path("count").asLong()).as("in every batch, not this one").isEqualTo(2);
            assertThat(found(bob, filtered(criteria("durian"), "{\"contains_url\":false}")).path("count").asLong()).isEqualTo(1);
            assertThat(ids(bob, filtered(criteria("durian"), "{\"contains_url\":false}"))).containsExactly(seen);
            assertThat(found(alice, criteria("durian")).path("count").asLong()).isEqualTo(5);
            assertThat(http.call("POST", "/rooms/" + enc(roomId) + "/leave", bob, "{}").status()).isEqualTo(200);
            say(alice, roomId, "durian after bob left");
            assertThat(found(bob, criteria("durian")).path("count").asLong()).as("up to his leave").isEqualTo(2);
            assertThat(found(alice, criteria("durian")).path("count").asLong()).isEqualTo(6);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theCountFollowsHistoryVisibilityAndMembershipThroughTheirChanges(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String roomId = room(alice, "{\"preset\":\"public_chat\"}");
            List<String> figs = new ArrayList<>();
            java.util.function.Consumer<String> visibility = v -> {
                try {
                    state(alice, roomId, "m.room.history_visibility", "{\"history_visibility\":\"" + v + "\"}");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            figs.add(say(alice, roomId, "fig 0, shared before bob came"));
            visibility.accept("joined");
            figs.add(say(alice, roomId, "fig 1, joined only"));
            join(bob, roomId);
            figs.add(say(alice, roomId, "fig 2, bob is in"));
            assertThat(http.call("POST", "/rooms/" + enc(roomId) + "/leave", bob, "{}").status()).isEqualTo(200);
            figs.add(say(alice, roomId, "fig 3, bob left"));
            visibility.accept("invited");
            figs.add(say(alice, roomId, "fig 4, invited only"));
            assertThat(http.call("POST", "/rooms/" + enc(roomId) + "/invite", alice, "{\"user_id\":\"@bob:localhost\"}").status()).isEqualTo(200);
            figs.add(say(alice, roomId, "fig 5, bob is invited"));
            join(bob, roomId);
            figs.add(say(alice, roomId, "fig 6, bob is back"));
            visibility.accept("world_readable");
            figs.add(say(alice, roomId, "fig 7, for the world"));
            visibility.accept("shared");
            figs.add(say(alice, roomId, "fig 8, shared again"));

            JsonNode bobs = found(bob, filtered(criteria("fig").put("order_by", "recent"), "{\"limit\":100}"));
            List<String> seen = List.of(figs.get(8), figs.get(7), figs.get(6), figs.get(5), figs.get(2), figs.get(0));
            assertThat(ids(bobs)).isEqualTo(seen);
            assertThat(bobs.path("count").asLong()).isEqualTo(seen.size());
            assertThat(found(bob, filtered(criteria("fig"), "{\"limit\":1}")).path("count").asLong()).isEqualTo(seen.size());
            assertThat(found(alice, criteria("fig")).path("count").asLong()).isEqualTo(figs.size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void roomsNamedByTheFilterAreSearchedWithTheRoomsTheyReplacedAsFarAsTheUserWasInThem(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String eve = http.register("eve", "eve-password");
            String first = room(alice, "{\"preset\":\"private_chat\"}");
            String oldest = say(alice, first, "kiwi from the first room");
            String second = upgrade(alice, first);
            String older = say(alice, second, "kiwi from the second room");
            String replacement = upgrade(alice, second);
            String newest = say(alice, replacement, "kiwi from the replacement");
            String elsewhere = room(alice, "{}");
            say(alice, elsewhere, "kiwi elsewhere");

            ObjectNode named = filtered(criteria("kiwi").put("order_by", "recent"), "{\"rooms\":[\"" + replacement + "\"]}");
            named.putObject("groupings").putArray("group_by").addObject().put("key", "room_id");
            JsonNode alices = found(alice, named);
            assertThat(ids(alices)).containsExactly(newest, older, oldest);
            assertThat(alices.path("results").findValuesAsText("room_id")).containsExactly(replacement, second, first);
            assertThat(alices.path("count").asLong()).isEqualTo(3);
            assertThat(alices.path("groups").path("room_id").path(first).path("results").get(0).asText()).isEqualTo(oldest);
            assertThat(alices.path("groups").path("room_id").path(second).path("order").asLong()).isEqualTo(2);
            assertThat(ids(alice, filtered(criteria("kiwi").put("order_by", "recent"), "{\"rooms\":[\"" + second + "\"]}")))
                    .as("back from the room named, never forward").containsExactly(older, oldest);
            assertThat(ids(alice, filtered(criteria("kiwi").put("order_by", "recent"), "{\"rooms\":[\"" + replacement + "\"],\"not_rooms\":[\""
                    + second + "\"]}"))).containsExactly(newest, oldest);

            // bob joins the replacement only: the rooms before it are not his to search
            assertThat(http.call("POST", "/rooms/" + enc(replacement) + "/invite", alice, "{\"user_id\":\"@bob:localhost\"}").status())
                    .isEqualTo(200);
            join(bob, replacement);
            JsonNode bobs = found(bob, named);
            assertThat(ids(bobs)).containsExactly(newest);
            assertThat(bobs.path("count").asLong()).isEqualTo(1);
            assertThat(bobs.path("groups").path("room_id").has(first)).isFalse();
            JsonNode eves = found(eve, named);
            assertThat(eves.path("results")).as("a room she never joined").isEmpty();
            assertThat(eves.path("count").asLong()).isZero();
        }
    }

    private String upgrade(String token, String roomId) throws Exception {
        JsonHttp.Reply r = http.call("POST", "/rooms/" + enc(roomId) + "/upgrade", token, "{\"new_version\":\"10\"}");
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("replacement_room").asText();
    }
}
