package dev.mxspec.homeserver.main;

import static dev.mxspec.homeserver.main.RoomAccessTest.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /search} over HTTP on both databases: terms in bodies, names and topics, both orders, filters, pages,
 * context, state and groups; only what the user may see (rooms he left as far as he saw them, none he was never in,
 * history visibility at each event); redacted and encrypted events never; bad requests refused with their error codes.
 */
class SearchTest {

    @TempDir
    Path dir;

    private JsonHttp http;
    private int txn;

    private Homeserver start(String backend) throws Exception {
        Homeserver server = TestServers.start(backend, dir, config -> config);
        http = new JsonHttp(server.port());
        return server;
    }

    private String room(String token, String body) throws Exception {
        JsonHttp.Reply r = http.call("POST", "/createRoom", token, body);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("room_id").asText();
    }

    private String send(String token, String roomId, String type, String content) throws Exception {
        JsonHttp.Reply r = http.call("PUT", "/rooms/" + enc(roomId) + "/send/" + type + "/t" + txn++, token, content);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("event_id").asText();
    }

    private String say(String token, String roomId, String text) throws Exception {
        return send(token, roomId, "m.room.message", MatrixJson.write(MatrixJson.mapper().createObjectNode().put("msgtype", "m.text")
                .put("body", text)));
    }

    private String state(String token, String roomId, String type, String content) throws Exception {
        JsonHttp.Reply r = http.call("PUT", "/rooms/" + enc(roomId) + "/state/" + type + "/", token, content);
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("event_id").asText();
    }

    private void join(String token, String roomId) throws Exception {
        assertThat(http.call("POST", "/join/" + enc(roomId), token, "{}").status()).isEqualTo(200);
    }

    /** The {@code room_events} criteria with a term; more fields are put on it by the caller. */
    private static ObjectNode criteria(String term) {
        return MatrixJson.mapper().createObjectNode().put("search_term", term);
    }

    private JsonHttp.Reply search(String token, ObjectNode criteria, Optional<String> nextBatch) throws Exception {
        ObjectNode body = MatrixJson.mapper().createObjectNode();
        body.putObject("search_categories").set("room_events", criteria);
        return http.call("POST", "/search" + nextBatch.map(b -> "?next_batch=" + enc(b)).orElse(""), token, MatrixJson.write(body));
    }

    /** The {@code room_events} answer of a search that must succeed. */
    private JsonNode found(String token, ObjectNode criteria) throws Exception {
        JsonHttp.Reply r = search(token, criteria, Optional.empty());
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("search_categories").path("room_events");
    }

    private static List<String> ids(JsonNode roomEvents) {
        List<String> out = new ArrayList<>();
        roomEvents.path("results").forEach(r -> out.add(r.path("result").path("event_id").asText()));
        return out;
    }

    private List<String> ids(String token, ObjectNode criteria) throws Exception {
        return ids(found(token, criteria));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void termsAreFoundInBodiesNamesAndTopicsMostRelevantOrMostRecentFirst(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String roomId = room(alice, "{\"name\":\"Martian council\",\"topic\":\"plans of the martians\"}");
            String name = http.call("GET", "/rooms/" + enc(roomId) + "/state", alice, null).body().findParents("type").stream()
                    .filter(e -> e.path("type").asText().equals("m.room.name")).findFirst().orElseThrow().path("event_id").asText();
            String firstTopic = server.storage().currentStateEvent(roomId, "m.room.topic", "").orElseThrow();
            String topic = state(alice, roomId, "m.room.topic", "{\"topic\":\"plans of the martians, revised\"}");
            String coming = say(alice, roomId, "The Martians are coming");
            say(alice, roomId, "nothing to see");
            String sandwich = say(alice, roomId, "a martian ate my sandwich");
            String triple = say(alice, roomId, "martian martian martian");

            JsonNode all = found(alice, criteria("martian").put("order_by", "recent"));
            assertThat(ids(all)).containsExactly(triple, sandwich, coming, topic, firstTopic, name);
            assertThat(all.path("count").asLong()).isEqualTo(6);
            assertThat(all.path("highlights")).extracting(JsonNode::asText).contains("martian", "martians");
            assertThat(all.path("results").get(0).path("result").path("content").path("body").asText()).isEqualTo("martian martian martian");
            assertThat(all.path("results").get(0).path("result").path("room_id").asText()).isEqualTo(roomId);
            assertThat(all.has("next_batch")).isFalse();

            JsonNode ranked = found(alice, criteria("martian").set("keys", MatrixJson.mapper().valueToTree(List.of("content.body"))));
            assertThat(ids(ranked)).as("rank is the default order").hasSize(3).first().isEqualTo(triple);
            List<Double> ranks = new ArrayList<>();
            ranked.path("results").forEach(r -> ranks.add(r.path("rank").asDouble()));
            assertThat(ranks).isSortedAccordingTo((a, b) -> Double.compare(b, a)).allSatisfy(r -> assertThat(r).isPositive());

            assertThat(ids(alice, criteria("martian").set("keys", MatrixJson.mapper().valueToTree(List.of("content.name")))))
                    .containsExactly(name);
            assertThat(ids(alice, criteria("revised").set("keys", MatrixJson.mapper().valueToTree(List.of("content.topic")))))
                    .containsExactly(topic);
            assertThat(ids(alice, criteria("\"martian ate\"").put("order_by", "recent"))).as("a phrase").containsExactly(sandwich);
            assertThat(ids(alice, criteria("\"ate martian\"").put("order_by", "recent"))).as("a phrase in another order").isEmpty();
            assertThat(ids(alice, criteria("martian -sandwich -plans").put("order_by", "recent"))).as("exclusions")
                    .containsExactly(triple, coming, name);
            assertThat(ids(alice, criteria("sandwich or coming").put("order_by", "recent"))).containsExactly(sandwich, coming);
            assertThat(ids(alice, criteria("SANDWICHES").put("order_by", "recent"))).as("stemmed, any case").containsExactly(sandwich);
            JsonNode stopWords = found(alice, criteria("the and of"));
            assertThat(stopWords.path("results")).as("stop words alone find nothing").isEmpty();
            assertThat(stopWords.path("count").asLong()).isZero();
            for (String odd : List.of("\"", "-", "or", "martian AND NEAR(", "*", "body:martian", "^martian", "🙂", "martian\"",
                    "'; DROP TABLE events; --", "\\\\")) {
                assertThat(search(alice, criteria(odd), Optional.empty()).status()).as(odd).isEqualTo(200);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void theFilterNarrowsByRoomSenderTypeAndUrl(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String first = room(alice, "{\"preset\":\"public_chat\",\"topic\":\"apple growers\"}");
            String second = room(alice, "{\"preset\":\"public_chat\"}");
            join(bob, first);
            join(bob, second);
            String a1 = say(alice, first, "apple pie");
            String b1 = say(bob, first, "apple crumble");
            String a2 = say(alice, second, "apple juice");
            String b2 = send(bob, second, "m.room.message", "{\"msgtype\":\"m.file\",\"body\":\"apple.png\",\"url\":\"mxc://localhost/apple\"}");
            String topic = http.call("GET", "/rooms/" + enc(first) + "/state/m.room.topic/?format=event", alice, null).body()
                    .path("event_id").asText();

            ObjectNode recent = criteria("apple").put("order_by", "recent");
            assertThat(ids(alice, recent.deepCopy())).containsExactly(b2, a2, b1, a1, topic);
            assertThat(ids(alice, filtered(recent, "{\"rooms\":[\"" + first + "\"]}"))).containsExactly(b1, a1, topic);
            assertThat(ids(alice, filtered(recent, "{\"not_rooms\":[\"" + first + "\"]}"))).containsExactly(b2, a2);
            assertThat(ids(alice, filtered(recent, "{\"senders\":[\"@bob:localhost\"]}"))).containsExactly(b2, b1);
            assertThat(ids(alice, filtered(recent, "{\"not_senders\":[\"@bob:localhost\"]}"))).containsExactly(a2, a1, topic);
            assertThat(ids(alice, filtered(recent, "{\"types\":[\"m.room.topic\"]}"))).containsExactly(topic);
            assertThat(ids(alice, filtered(recent, "{\"types\":[\"m.room.*\"],\"not_types\":[\"m.room.message\"]}"))).containsExactly(topic);
            assertThat(ids(alice, filtered(recent, "{\"contains_url\":true}"))).containsExactly(b2);
            assertThat(ids(alice, filtered(recent, "{\"rooms\":[\"!elsewhere:localhost\"]}"))).isEmpty();
            JsonNode one = found(alice, filtered(recent, "{\"limit\":1}"));
            assertThat(ids(one)).containsExactly(b2);
            assertThat(one.path("next_batch").isTextual()).isTrue();
            assertThat(one.path("count").asLong()).isEqualTo(5);
        }
    }

    private static ObjectNode filtered(ObjectNode criteria, String filter) throws Exception {
        ObjectNode copy = criteria.deepCopy();
        copy.set("filter", MatrixJson.mapper().readTree(filter));
        return copy;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void pagesGoOnWithoutRepeatsOrGapsInBothOrdersAndWithinAGroup(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String one = room(alice, "{}");
            String two = room(alice, "{}");
            Set<String> sent = new HashSet<>();
            java.util.Map<String, String> roomOf = new java.util.HashMap<>();
            for (int i = 0; i < 23; i++) {
                String roomId = i % 3 == 0 ? two : one;
                String id = say(alice, roomId, "banana " + "banana ".repeat(i % 4) + "split ".repeat(i % 3) + i);
                sent.add(id);
                roomOf.put(id, roomId);
            }
            for (String order : List.of("rank", "recent")) {
                ObjectNode criteria = criteria("banana").put("order_by", order);
                List<String> whole = ids(alice, filtered(criteria, "{\"limit\":100}"));
                assertThat(whole).hasSize(23).containsExactlyInAnyOrderElementsOf(sent);
                List<String> paged = new ArrayList<>();
                Optional<String> next = Optional.empty();
                int pages = 0;
                do {
                    JsonHttp.Reply r = search(alice, filtered(criteria, "{\"limit\":5}"), next);
                    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
                    JsonNode roomEvents = r.body().path("search_categories").path("room_events");
                    paged.addAll(ids(roomEvents));
                    next = Optional.ofNullable(roomEvents.get("next_batch")).map(JsonNode::asText);
                    pages++;
                } while (next.isPresent() && pages < 20);
                assertThat(paged).as(order).isEqualTo(whole);
                assertThat(pages).isEqualTo(5);

                // the batch of a group goes on in that group only
                ObjectNode grouped = filtered(criteria, "{\"limit\":4}");
                grouped.putObject("groupings").putArray("group_by").addObject().put("key", "room_id");
                JsonNode first = found(alice, grouped);
                String groupRoom = first.path("groups").path("room_id").fieldNames().next();
                JsonNode group = first.path("groups").path("room_id").path(groupRoom);
                List<String> inGroup = new ArrayList<>();
                group.path("results").forEach(id -> inGroup.add(id.asText()));
                Optional<String> more = Optional.of(group.path("next_batch").asText());
                while (more.isPresent()) {
                    JsonHttp.Reply r = search(alice, grouped, more);
                    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
                    JsonNode roomEvents = r.body().path("search_categories").path("room_events");
                    roomEvents.path("results").forEach(x -> assertThat(x.path("result").path("room_id").asText()).isEqualTo(groupRoom));
                    inGroup.addAll(ids(roomEvents));
                    more = Optional.ofNullable(roomEvents.get("next_batch")).map(JsonNode::asText);
                }
                assertThat(inGroup).as(order + " in a group").isEqualTo(whole.stream().filter(id -> roomOf.get(id).equals(groupRoom)).toList());
            }
            JsonHttp.Reply recentBatch = search(alice, filtered(criteria("banana").put("order_by", "recent"), "{\"limit\":5}"), Optional.empty());
            String token = recentBatch.body().path("search_categories").path("room_events").path("next_batch").asText();
            assertThat(search(alice, criteria("banana").put("order_by", "rank"), Optional.of(token)))
                    .as("a batch of another order").satisfies(r -> error(r, 400, "M_INVALID_PARAM"));
            for (String bad : List.of("", "!!!", "czE", "czEKcmFuawoKMAox", token.substring(0, token.length() - 3))) {
                assertThat(search(alice, criteria("banana"), Optional.of(bad))).as(bad).satisfies(r -> error(r, 400, "M_INVALID_PARAM"));
            }
        }
    }

    private static void error(JsonHttp.Reply r, int status, String errcode) {
        assertThat(r.status()).as(r.body().toString()).isEqualTo(status);
        assertThat(r.body().path("errcode").asText()).as(r.body().toString()).isEqualTo(errcode);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void contextStateAndGroupsComeWithTheResults(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            String roomId = room(alice, "{\"preset\":\"public_chat\",\"name\":\"Kitchen\"}");
            join(bob, roomId);
            assertThat(http.call("PUT", "/rooms/" + enc(roomId) + "/state/m.room.member/" + enc("@bob:localhost"), bob,
                    "{\"membership\":\"join\",\"displayname\":\"Bobby\"}").status()).isEqualTo(200);
            String one = say(alice, roomId, "one");
            String two = say(bob, roomId, "two");
            String hit = say(alice, roomId, "the kettle is on");
            String three = say(bob, roomId, "three");
            String four = say(alice, roomId, "four");
            String other = room(bob, "{\"name\":\"Shed\"}");
            String shed = say(bob, other, "another kettle");

            ObjectNode criteria = criteria("kettle").put("order_by", "recent").put("include_state", true);
            criteria.putObject("event_context").put("before_limit", 2).put("after_limit", 1).put("include_profile", true);
            criteria.putObject("groupings").putArray("group_by").add(MatrixJson.mapper().createObjectNode().put("key", "room_id"))
                    .add(MatrixJson.mapper().createObjectNode().put("key", "sender"));
            JsonNode found = found(bob, criteria);
            assertThat(ids(found)).containsExactly(shed, hit);

            JsonNode context = found.path("results").get(1).path("context");
            assertThat(context.path("events_before").findValuesAsText("event_id")).containsExactly(two, one);
            assertThat(context.path("events_after").findValuesAsText("event_id")).containsExactly(three);
            assertThat(context.path("profile_info").path("@bob:localhost").path("displayname").asText()).isEqualTo("Bobby");
            assertThat(context.path("profile_info").has("@alice:localhost")).isTrue();
            JsonNode before = http.call("GET", "/rooms/" + enc(roomId) + "/messages?dir=b&limit=1&from=" + context.path("start").asText(),
                    bob, null).body();
            assertThat(before.path("chunk").get(0).path("type").asText()).as("the history before the context").isEqualTo("m.room.member");
            JsonNode after = http.call("GET", "/rooms/" + enc(roomId) + "/messages?dir=f&limit=1&from=" + context.path("end").asText(),
                    bob, null).body();
            assertThat(after.path("chunk").findValuesAsText("event_id")).containsExactly(four);

            JsonNode state = found.path("state");
            assertThat(state.path(roomId).findValuesAsText("type")).contains("m.room.create", "m.room.name", "m.room.member");
            assertThat(state.path(other).findValuesAsText("type")).contains("m.room.create", "m.room.name");
            assertThat(found.path("groups").path("room_id").path(roomId).path("results").get(0).asText()).isEqualTo(hit);
            assertThat(found.path("groups").path("room_id").path(other).path("order").asLong()).isEqualTo(1);
            assertThat(found.path("groups").path("room_id").path(roomId).path("order").asLong()).isEqualTo(2);
            assertThat(found.path("groups").path("sender").path("@bob:localhost").path("results").get(0).asText()).isEqualTo(shed);
            assertThat(found.path("groups").path("sender").path("@alice:localhost").path("results").get(0).asText()).isEqualTo(hit);

            JsonNode plain = found(bob, criteria("kettle"));
            assertThat(plain.path("results").get(0).has("context")).isFalse();
            assertThat(plain.has("state")).isFalse();
            assertThat(plain.has("groups")).isFalse();
        }
    }

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

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void accentsAndCaseMatterNeitherInTermsNorInTexts(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String roomId = room(alice, "{\"topic\":\"Le Café des Artistes\"}");
            String topic = server.storage().currentStateEvent(roomId, "m.room.topic", "").orElseThrow();
            String cafe = say(alice, roomId, "meet at the café");
            String naive = say(alice, roomId, "a naïve plan");
            String greek = say(alice, roomId, "ένας καφές παρακαλώ");
            String plain = say(alice, roomId, "cafe NAIVE");
            for (String term : List.of("cafe", "CAFÉ", "Café")) {
                JsonNode found = found(alice, criteria(term).put("order_by", "recent"));
                assertThat(ids(found)).as(term).containsExactly(plain, cafe, topic);
                assertThat(found.path("highlights")).extracting(JsonNode::asText).as("as the texts write them, lower case").containsExactlyInAnyOrder("cafe", "café");
            }
            assertThat(ids(alice, criteria("naive").put("order_by", "recent"))).containsExactly(plain, naive);
            assertThat(ids(alice, criteria("naïve").put("order_by", "recent"))).containsExactly(plain, naive);
            for (String term : List.of("καφες", "ΚΑΦΈΣ", "\"ενας καφες\"")) {
                JsonNode found = found(alice, criteria(term));
                assertThat(ids(found)).as(term).containsExactly(greek);
                assertThat(found.path("highlights")).extracting(JsonNode::asText).contains("καφές");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void redactedAndEncryptedEventsAreNotFound(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            String roomId = room(alice, "{}");
            String kept = say(alice, roomId, "pineapple on pizza, kept");
            String gone = say(alice, roomId, "pineapple on pizza, regretted");
            send(alice, roomId, "m.room.encrypted", "{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"ciphertext\":\"pineapple\",\"body\":\"pineapple\","
                    + "\"sender_key\":\"k\",\"session_id\":\"s\",\"device_id\":\"D\"}");
            assertThat(ids(alice, criteria("pineapple").put("order_by", "recent"))).containsExactly(gone, kept);
            assertThat(http.call("PUT", "/rooms/" + enc(roomId) + "/redact/" + enc(gone) + "/r1", alice, "{}").status()).isEqualTo(200);
            assertThat(ids(alice, criteria("pineapple").put("order_by", "recent"))).containsExactly(kept);
            assertThat(ids(alice, criteria("regretted"))).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void badRequestsAreRefusedWithTheirErrorCodes(String backend) throws Exception {
        try (Homeserver server = start(backend)) {
            assertThat(server.port()).isPositive();
            String alice = http.register("alice", "alice-password");
            say(alice, room(alice, "{}"), "something to find");
            for (String body : List.of("null", "[]", "\"x\"", "7", "{", "")) {
                JsonHttp.Reply r = http.call("POST", "/search", alice, body);
                assertThat(r.status()).as(body).isEqualTo(400);
                assertThat(r.body().path("errcode").asText()).as(body).isEqualTo("M_NOT_JSON");
            }
            for (String body : List.of("{}", "{\"search_categories\":null}", "{\"search_categories\":[]}",
                    "{\"search_categories\":{\"room_events\":{}}}", "{\"search_categories\":{\"room_events\":{\"search_term\":null}}}",
                    "{\"search_categories\":{\"room_events\":{\"search_term\":7}}}",
                    "{\"search_categories\":{\"room_events\":{\"search_term\":\"x\",\"keys\":\"content.body\"}}}",
                    "{\"search_categories\":{\"room_events\":{\"search_term\":\"x\",\"filter\":{\"rooms\":\"!r:localhost\"}}}}",
                    "{\"search_categories\":{\"room_events\":{\"search_term\":\"x\",\"filter\":{\"limit\":\"ten\"}}}}",
                    "{\"search_categories\":{\"room_events\":{\"search_term\":\"x\",\"event_context\":{\"before_limit\":1.5}}}}",
                    "{\"search_categories\":{\"room_events\":{\"search_term\":\"x\",\"include_state\":\"yes\"}}}",
                    "{\"search_categories\":{\"room_events\":{\"search_term\":\"x\",\"groupings\":{\"group_by\":{}}}}}")) {
                JsonHttp.Reply r = http.call("POST", "/search", alice, body);
                assertThat(r.status()).as(body).isEqualTo(400);
                assertThat(r.body().path("errcode").asText()).as(body).isEqualTo("M_BAD_JSON");
            }
            for (String criteria : List.of("{\"search_term\":\"x\",\"order_by\":\"sideways\"}", "{\"search_term\":\"x\",\"keys\":[\"content.url\"]}",
                    "{\"search_term\":\"x\",\"groupings\":{\"group_by\":[{\"key\":\"type\"}]}}",
                    "{\"search_term\":\"x\",\"groupings\":{\"group_by\":[{}]}}", "{\"search_term\":\"x\",\"filter\":{\"limit\":-1}}",
                    "{\"search_term\":\"x\",\"event_context\":{\"after_limit\":-1}}",
                    "{\"search_term\":\"" + "x".repeat(1001) + "\"}",
                    "{\"search_term\":\"x\",\"filter\":{\"not_senders\":" + MatrixJson.write(java.util.Collections.nCopies(1001, "@a:b")) + "}}")) {
                JsonHttp.Reply r = search(alice, (ObjectNode) MatrixJson.mapper().readTree(criteria), Optional.empty());
                assertThat(r).as(criteria.length() > 200 ? criteria.substring(0, 40) : criteria).satisfies(x -> error(x, 400, "M_INVALID_PARAM"));
            }
            JsonHttp.Reply nothing = http.call("POST", "/search", alice, "{\"search_categories\":{}}");
            assertThat(nothing.status()).isEqualTo(200);
            assertThat(nothing.body().toString()).isEqualTo("{\"search_categories\":{}}");
            JsonNode none = found(alice, filtered(criteria("something"), "{\"limit\":0}"));
            assertThat(none.path("results")).isEmpty();
            assertThat(none.has("next_batch")).isFalse();
            assertThat(found(alice, criteria("something").set("keys", MatrixJson.mapper().createArrayNode())).path("results")).isEmpty();
            error(http.call("POST", "/search", null, "{\"search_categories\":{}}"), 401, "M_MISSING_TOKEN");
        }
    }
}
