package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Search over events that came from another server: those sent there while the user is in the room (a federation
 * transaction) and the history before his join, once it was taken in through backfill (found and counted).
 */
class FederatedSearchTest extends TwoFederatingServers {

    private JsonNode search(String term) throws Exception {
        return api.call(b, "POST", "/search", bob, "{\"search_categories\":{\"room_events\":{\"search_term\":"
                + MatrixJson.write(term) + ",\"order_by\":\"recent\"}}}").path("search_categories").path("room_events");
    }

    private List<String> found(String term) throws Exception {
        List<String> bodies = new ArrayList<>();
        search(term).path("results").forEach(x -> bodies.add(x.path("result").path("content").path("body").asText()));
        return bodies;
    }

    private void say(String roomId, String txn, String text) throws Exception {
        api.call(a, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/send/m.room.message/" + txn, alice,
                "{\"msgtype\":\"m.text\",\"body\":\"" + text + "\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void eventsReceivedOverFederationAndThroughBackfillAreFound(String backend) throws Exception {
        aliceOnAAndBobOnB(backend);
        String roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").path("room_id").asText();
        say(roomId, "t1", "pear history one");
        say(roomId, "t2", "pear history two");
        api.call(b, "POST", "/join/" + ClientApi.enc(roomId) + "?server_name=" + ClientApi.enc(nameA), bob, "{}");
        api.syncUntil(b, bob, s -> s.path("rooms").path("join").has(roomId));
        assertThat(found("pear")).as("the history before his join is not held yet").isEmpty();

        say(roomId, "t3", "pear live");
        eventually(() -> {
            try {
                return String.join("|", found("pear"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "pear live");

        api.call(b, "GET", "/rooms/" + ClientApi.enc(roomId) + "/messages?dir=b&limit=50", bob, null); // takes in the history
        assertThat(found("pear")).containsExactly("pear live", "pear history two", "pear history one");
        assertThat(search("pear").path("count").asLong()).as("backfilled history counted as it is shown").isEqualTo(3);
        assertThat(found("\"history two\"")).containsExactly("pear history two");
    }
}
