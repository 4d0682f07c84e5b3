package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two homeservers over TLS, one stopped while the room goes on without it: once it runs again on its data, each
 * server catches up with the other's events, both reach the same state, and no client sees an event twice. And a
 * partition (each server behind a {@link TcpProxy} that is cut): both sides go on, each changing the room's state
 * (topic, power levels, a ban), and agree once they reach each other again.
 */
class FederationPartitionTest extends TwoFederatingServers {

    /** A user's syncs from the first on, each timeline event ID counted each time a sync gives it. */
    private final class Syncs {
        final String token;
        final Map<String, Integer> seen = new HashMap<>();
        String since;

        Syncs(String token) {
            this.token = token;
        }

        /** Syncs on {@code server} until every one of {@code ids} was seen, for up to 30 s. */
        void until(Homeserver server, String roomId, List<String> ids) throws Exception {
            long end = System.currentTimeMillis() + 30_000;
            while (!seen.keySet().containsAll(ids)) {
                assertThat(System.currentTimeMillis()).as("seen within 30 s: " + ids + " in " + seen.keySet()).isLessThan(end);
                JsonNode s = api.call(server, "GET", "/sync?timeout=500" + (since == null ? "" : "&since=" + ClientApi.enc(since)), token, null);
                since = s.path("next_batch").asText();
                s.path("rooms").path("join").path(roomId).path("timeline").path("events")
                        .forEach(e -> seen.merge(e.path("event_id").asText(), 1, Integer::sum));
            }
        }
    }

    private String say(Homeserver server, String token, String roomId, String txn, String body) throws Exception {
        return api.call(server, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/send/m.room.message/" + txn, token,
                "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}").path("event_id").asText();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aServerBackFromAnOutageCatchesUpAndBothAgree(String backend) throws Exception {
        ServerConfig configA = config(backend, "a");
        ServerConfig configB = config(backend, "b");
        a = Homeserver.start(configA);
        b = Homeserver.start(configB);
        String nameA = FederationServers.name(a);
        String alice = api.register(a, "alice");
        String bob = api.register(b, "bob");
        String bobId = "@bob:" + FederationServers.name(b);
        String roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"name\":\"partition\"}").path("room_id").asText();
        String joined = api.call(b, "POST", "/join/" + ClientApi.enc(roomId) + "?server_name=" + ClientApi.enc(nameA), bob, "{}").path("room_id").asText();
        assertThat(joined).isEqualTo(roomId);
        Syncs alices = new Syncs(alice);
        Syncs bobs = new Syncs(bob);
        List<String> events = new ArrayList<>(List.of(say(a, alice, roomId, "before", "before the outage")));
        bobs.until(b, roomId, events);
        alices.until(a, roomId, events);

        b.close();
        b = null;
        for (int i = 1; i <= 3; i++) {
            events.add(say(a, alice, roomId, "during" + i, "while B is away " + i));
        }
        events.add(api.call(a, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/state/m.room.topic/", alice, "{\"topic\":\"changed while B was away\"}")
                .path("event_id").asText());
        ObjectNode levels = (ObjectNode) api.call(a, "GET", "/rooms/" + ClientApi.enc(roomId) + "/state/m.room.power_levels/", alice, null);
        ((ObjectNode) levels.get("users")).put(bobId, 50);
        events.add(api.call(a, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/state/m.room.power_levels/", alice, levels.toString())
                .path("event_id").asText());

        b = Homeserver.start(configB); // the same data and port
        for (int i = 1; i <= 2; i++) {
            events.add(say(b, bob, roomId, "back" + i, "B is back " + i));
        }
        alices.until(a, roomId, events);
        bobs.until(b, roomId, events);

        for (Homeserver server : new Homeserver[] {a, b}) {
            assertThat(server.storage().graphRows(events)).as(server.config().serverName())
                    .allSatisfy(row -> assertThat(row.status()).isEmpty()).hasSize(events.size());
        }
        assertThat(b.storage().currentState(roomId)).isEqualTo(a.storage().currentState(roomId));
        assertThat(b.storage().currentState(roomId).get(List.of("m.room.topic", ""))).isEqualTo(events.get(4));
        assertThat(alices.seen).allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
        assertThat(bobs.seen).allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void eventsLostOnTheWayAreFetchedAsMissingEventsWhenTheNextOneArrives(String backend) throws Exception {
        ServerConfig configA = config(backend, "a");
        ServerConfig configB = config(backend, "b");
        a = Homeserver.start(configA);
        b = Homeserver.start(configB);
        String nameA = FederationServers.name(a);
        String nameB = FederationServers.name(b);
        String alice = api.register(a, "alice");
        String bob = api.register(b, "bob");
        String roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").path("room_id").asText();
        api.call(b, "POST", "/join/" + ClientApi.enc(roomId) + "?server_name=" + ClientApi.enc(nameA), bob, "{}");
        Syncs bobs = new Syncs(bob);
        List<String> events = new ArrayList<>(List.of(say(a, alice, roomId, "before", "before the outage")));
        bobs.until(b, roomId, events);

        b.close();
        b = null;
        for (int i = 1; i <= 3; i++) {
            events.add(say(a, alice, roomId, "lost" + i, "lost on the way " + i));
        }
        events.add(api.call(a, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/state/m.room.topic/", alice, "{\"topic\":\"lost topic\"}")
                .path("event_id").asText());
        a.close(); // A forgets what it had to send to B
        a = null;
        try (var storage = Homeserver.openStorage(configA)) {
            long next = storage.destination(nameB).map(d -> d.nextTxn() + 1).orElse(1L);
            storage.delivered(nameB, storage.maxOutboxSeq(), next);
        }
        a = Homeserver.start(configA);
        b = Homeserver.start(configB);
        events.add(say(a, alice, roomId, "after", "the next one")); // follows events B lacks: B asks A for them

        bobs.until(b, roomId, events);
        assertThat(b.storage().graphRows(events)).allSatisfy(row -> assertThat(row.status()).isEmpty()).hasSize(events.size());
        assertThat(b.storage().currentState(roomId)).isEqualTo(a.storage().currentState(roomId));
        assertThat(bobs.seen).allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void bothSidesOfAPartitionChangeTheRoomAndAgreeOnceItHeals(String backend) throws Exception {
        int portA = FederationServers.freePort();
        int portB = FederationServers.freePortOtherThan(portA); // neither is bound before the servers start
        try (TcpProxy toA = TcpProxy.to(portA); TcpProxy toB = TcpProxy.to(portB)) {
            a = Homeserver.start(FederationServers.config(backend, java.nio.file.Files.createDirectories(dir.resolve("a")),
                    FederationServers.settings(portA, serverTls, caFile, false, 0), "localhost:" + toA.port()));
            b = Homeserver.start(FederationServers.config(backend, java.nio.file.Files.createDirectories(dir.resolve("b")),
                    FederationServers.settings(portB, serverTls, caFile, false, 0), "localhost:" + toB.port()));
            String nameA = FederationServers.name(a);
            String alice = api.register(a, "alice");
            String bob = api.register(b, "bob");
            String carol = api.register(b, "carol");
            String aliceId = "@alice:" + nameA;
            String bobId = "@bob:" + FederationServers.name(b);
            String carolId = "@carol:" + FederationServers.name(b);
            String roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\"}").path("room_id").asText();
            String r = "/rooms/" + ClientApi.enc(roomId);
            api.call(b, "POST", "/join/" + ClientApi.enc(roomId) + "?server_name=" + ClientApi.enc(nameA), bob, "{}");
            api.call(b, "POST", "/join/" + ClientApi.enc(roomId) + "?server_name=" + ClientApi.enc(nameA), carol, "{}");
            ObjectNode levels = (ObjectNode) api.call(a, "GET", r + "/state/m.room.power_levels/", alice, null);
            ((ObjectNode) levels.get("users")).put(bobId, 100);
            List<String> events = new ArrayList<>();
            events.add(api.call(a, "PUT", r + "/state/m.room.power_levels/", alice, levels.toString()).path("event_id").asText());
            Syncs alices = new Syncs(alice);
            Syncs bobs = new Syncs(bob);
            bobs.until(b, roomId, events);

            toA.cut();
            toB.cut();
            events.add(api.call(a, "PUT", r + "/state/m.room.topic/", alice, "{\"topic\":\"A's topic\"}").path("event_id").asText());
            api.call(a, "POST", r + "/ban", alice, "{\"user_id\":\"" + carolId + "\",\"reason\":\"partition\"}");
            events.add(a.storage().currentState(roomId).get(List.of("m.room.member", carolId)));
            events.add(say(a, alice, roomId, "a1", "A during the partition"));
            events.add(api.call(b, "PUT", r + "/state/m.room.topic/", bob, "{\"topic\":\"B's topic\"}").path("event_id").asText());
            ObjectNode bobsLevels = levels.deepCopy();
            bobsLevels.put("state_default", 60);
            events.add(api.call(b, "PUT", r + "/state/m.room.power_levels/", bob, bobsLevels.toString()).path("event_id").asText());
            String carolsWord = say(b, carol, roomId, "c1", "carol during the partition");
            events.add(say(b, bob, roomId, "b1", "B during the partition"));
            assertThat(a.storage().graphRow(events.get(5))).as("A does not reach B during the partition").isEmpty();

            toA.heal();
            toB.heal();
            events.add(say(a, alice, roomId, "a2", "A after the partition"));
            events.add(say(b, bob, roomId, "b2", "B after the partition"));
            alices.until(a, roomId, events);
            bobs.until(b, roomId, events);

            for (Homeserver server : new Homeserver[] {a, b}) {
                assertThat(server.storage().graphRows(events)).as("every event on " + server.config().serverName()).hasSize(events.size());
                assertThat(server.storage().graphRow(carolsWord)).as("carol's message on " + server.config().serverName()).isPresent();
            }
            assertThat(b.storage().currentState(roomId)).isEqualTo(a.storage().currentState(roomId));
            Map<List<String>, String> state = a.storage().currentState(roomId);
            assertThat(state.get(List.of("m.room.member", carolId))).isEqualTo(events.get(2)); // the ban holds on both
            assertThat(state.get(List.of("m.room.topic", ""))).isIn(events.get(1), events.get(4));
            assertThat(state.get(List.of("m.room.power_levels", ""))).isEqualTo(events.get(5));
            assertThat(api.call(b, "GET", r + "/state/m.room.member/" + ClientApi.enc(carolId), bob, null).path("membership").asText())
                    .isEqualTo("ban");
            assertThat(alices.seen).allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
            assertThat(bobs.seen).allSatisfy((id, times) -> assertThat(times).as(id).isEqualTo(1));
            assertThat(api.call(a, "GET", r + "/joined_members", alice, null).path("joined").has(aliceId)).isTrue();
        }
    }
}
