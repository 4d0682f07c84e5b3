package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.homeserver.rooms.EventSigning;
import dev.mxspec.homeserver.rooms.RoomVersion;
import dev.mxspec.homeserver.rooms.RoomVersions;
import dev.mxspec.homeserver.services.RoomFederation;
import dev.mxspec.homeserver.storage.Records.EventStatus;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An event of server A that server B first holds as an outlier (part of an auth chain or a state it was given) and
 * later receives at its place in the room: it takes that place, in the timeline and the current state, once.
 */
class OutlierPromotionTest extends TwoFederatingServers {

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anEventHeldAsAnOutlierTakesItsPlaceInTheTimelineWhenItArrivesThere(String backend) throws Exception {
        a = start("sqlite", "a");
        b = start(backend, "b");
        String nameA = FederationServers.name(a);
        String alice = api.register(a, "alice");
        String bob = api.register(b, "bob");
        String roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").path("room_id").asText();
        api.call(b, "POST", "/join/" + ClientApi.enc(roomId) + "?server_name=" + ClientApi.enc(nameA), bob, "{}");
        RoomVersion version = RoomVersions.of(b.storage().room(roomId).orElseThrow().roomVersion()).orElseThrow();
        ObjectNode topic = topicByAlice(roomId, "@alice:" + nameA, nameA, version);
        String topicId = EventIds.of(topic, version).orElseThrow();

        RoomFederation.Received outlier = b.rooms().federation().receiveOutlier(topic.deepCopy(), b.federation().keys());
        assertThat(outlier.status()).isEqualTo(Optional.of(EventStatus.OUTLIER));
        assertThat(b.storage().currentState(roomId).get(List.of("m.room.topic", ""))).isNull();

        RoomFederation.Received placed = b.rooms().federation().receive(topic.deepCopy(), b.federation().keys());

        assertThat(placed.status()).isEmpty();
        assertThat(b.storage().graphRow(topicId).orElseThrow().status()).isEmpty();
        assertThat(b.storage().currentState(roomId).get(List.of("m.room.topic", ""))).isEqualTo(topicId);
        assertThat(b.rooms().federation().forwardExtremities(roomId)).containsExactly(topicId);
        api.syncUntil(b, bob, s -> s.path("rooms").path("join").path(roomId).path("timeline").toString().contains("held first as an outlier"));
        assertThat(b.rooms().federation().receive(topic.deepCopy(), b.federation().keys()).reason()).isEqualTo("received before");
    }

    /** A topic change by alice of A on B's forward extremities, made and signed as A would. */
    private ObjectNode topicByAlice(String roomId, String aliceId, String nameA, RoomVersion version) {
        Map<List<String>, String> state = b.storage().currentState(roomId);
        ObjectNode pdu = MatrixJson.mapper().createObjectNode();
        pdu.put("room_id", roomId);
        pdu.put("sender", aliceId);
        pdu.put("type", "m.room.topic");
        pdu.put("state_key", "");
        pdu.putObject("content").put("topic", "held first as an outlier");
        pdu.put("origin", nameA);
        pdu.put("origin_server_ts", System.currentTimeMillis());
        List<String> prev = b.rooms().federation().forwardExtremities(roomId);
        ArrayNode prevs = pdu.putArray("prev_events");
        prev.forEach(prevs::add);
        pdu.put("depth", prev.stream().mapToLong(id -> b.storage().graphRow(id).orElseThrow().depth()).max().orElseThrow() + 1);
        ArrayNode auth = pdu.putArray("auth_events");
        for (List<String> key : List.of(List.of("m.room.create", ""), List.of("m.room.power_levels", ""), List.of("m.room.member", aliceId))) {
            auth.add(state.get(key));
        }
        return EventSigning.hashAndSign(pdu, nameA, FederationServers.signingKey(a), version);
    }
}
