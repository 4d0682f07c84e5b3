package dev.mxspec.homeserver.main;

import static dev.mxspec.homeserver.main.RoomAccessTest.enc;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /search} over HTTP on both databases: terms in bodies, names and topics, both orders, filters, pages,
 * context, state and groups; accents and case folded; redacted and encrypted events never; bad requests refused with
 * their error codes. What the user may see is {@link SearchVisibilityTest}'s.
 */
class SearchTest extends SearchFixture {

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
