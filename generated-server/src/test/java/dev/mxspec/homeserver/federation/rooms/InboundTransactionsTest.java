package dev.mxspec.homeserver.federation.rooms;

import static dev.mxspec.homeserver.federation.rooms.FederationFixture.CAROL;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.DAVE;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.OTHER;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.REMOTE;
import static dev.mxspec.homeserver.federation.rooms.FederationFixture.edu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.rooms.EventSigning;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.spec.v1_7.serverserver.EphemeralDataUnit;
import dev.mxspec.spec.v1_7.serverserver.PDUProcessingResult;
import dev.mxspec.spec.v1_7.serverserver.PDUProcessingResults;
import dev.mxspec.spec.v1_7.serverserver.ServerServerSendTransactionRequest;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendTransaction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code PUT /send/{txnId}}: another server's PDUs and EDUs reach local users once, forged and oversized ones do not. */
class InboundTransactionsTest {

    @TempDir
    Path dir;

    private FederationFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private static final PDUProcessingResult OK = new PDUProcessingResult(Optional.empty(), Map.of());

    private List<String> timeline() throws Exception {
        List<String> ids = new ArrayList<>();
        f.aliceSync().path("timeline").path("events").forEach(e -> ids.add(e.path("event_id").asText()));
        return ids;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void eventsOfATransactionReachALocalUsersSync(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        ObjectNode join = f.join(CAROL);
        String joinId = f.idOf(join);
        PDUProcessingResults first = f.send(REMOTE, List.of(join));
        ObjectNode hello = f.message(CAROL, "hello from remote", List.of(joinId));
        PDUProcessingResults second = f.send(REMOTE, List.of(hello));

        assertThat(first.pdus()).isEqualTo(Map.of(joinId, OK));
        assertThat(second.pdus()).isEqualTo(Map.of(f.idOf(hello), OK));
        List<String> timeline = timeline();
        assertThat(timeline.subList(timeline.size() - 2, timeline.size())).containsExactly(joinId, f.idOf(hello));
        JsonNode last = f.aliceSync().path("timeline").path("events").get(timeline.size() - 1);
        assertThat(last.path("sender").asText()).isEqualTo(CAROL);
        assertThat(last.path("content").path("body").asText()).isEqualTo("hello from remote");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void typingAndReceiptsCrossOnlyForJoinedUsersOfTheOrigin(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        f.carolJoins();
        ObjectNode davesJoin = f.join(DAVE);
        assertThat(f.send(OTHER, List.of(davesJoin)).pdus().get(f.idOf(davesJoin))).isEqualTo(OK); // joined, of another server
        String aliceEvent = f.aliceSays("read me");
        String mallory = "@mallory:" + REMOTE; // of the origin, never joined
        f.send(REMOTE, "edus-1", List.of(), List.of(
                edu("m.typing", "{\"room_id\":\"" + f.roomId + "\",\"user_id\":\"" + CAROL + "\",\"typing\":true}"),
                edu("m.typing", "{\"room_id\":\"" + f.roomId + "\",\"user_id\":\"" + DAVE + "\",\"typing\":true}"),
                edu("m.typing", "{\"room_id\":\"" + f.roomId + "\",\"user_id\":\"" + mallory + "\",\"typing\":true}"),
                edu("m.typing", "{\"room_id\":\"" + f.roomId + "\",\"user_id\":\"" + f.alice.length() + "\",\"typing\":\"yes\"}"),
                edu("m.receipt", "{\"" + f.roomId + "\":{\"m.read\":{"
                        + "\"" + CAROL + "\":{\"event_ids\":[\"" + aliceEvent + "\"],\"data\":{\"ts\":1}},"
                        + "\"" + DAVE + "\":{\"event_ids\":[\"" + aliceEvent + "\"],\"data\":{\"ts\":1}},"
                        + "\"" + mallory + "\":{\"event_ids\":[\"" + aliceEvent + "\"],\"data\":{\"ts\":1}}}}}"),
                edu("m.presence", "{\"push\":[]}")));

        JsonNode ephemeral = f.aliceSync().path("ephemeral").path("events");
        JsonNode typing = null;
        JsonNode receipts = null;
        for (JsonNode e : ephemeral) {
            if (e.path("type").asText().equals("m.typing")) {
                typing = e.path("content").path("user_ids");
            } else if (e.path("type").asText().equals("m.receipt")) {
                receipts = e.path("content").path(aliceEvent).path("m.read");
            }
        }
        assertThat(typing).as(ephemeral.toString()).isNotNull();
        assertThat(typing.toString()).isEqualTo("[\"" + CAROL + "\"]");
        assertThat(receipts).as(ephemeral.toString()).isNotNull();
        List<String> readers = new ArrayList<>();
        receipts.fieldNames().forEachRemaining(readers::add);
        assertThat(readers).containsExactly(CAROL);

        // other.test speaking for carol: nothing either
        f.send(OTHER, "edus-2", List.of(), List.of(
                edu("m.typing", "{\"room_id\":\"" + f.roomId + "\",\"user_id\":\"" + CAROL + "\",\"typing\":false}")));
        for (JsonNode e : f.aliceSync().path("ephemeral").path("events")) {
            if (e.path("type").asText().equals("m.typing")) {
                assertThat(e.path("content").path("user_ids").toString()).isEqualTo("[\"" + CAROL + "\"]");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aTransactionSentAgainIsAnsweredAsTheFirstTimeWithoutProcessing(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        String join = f.carolJoins();
        ObjectNode first = f.message(CAROL, "once", List.of(join));
        PDUProcessingResults answer = f.send(REMOTE, "same", List.of(first), List.of());
        // the same transaction ID again, now carrying another event: answered as the first time, the event not taken in
        ObjectNode other = f.message(CAROL, "twice?", List.of(f.idOf(first)));
        PDUProcessingResults again = f.send(REMOTE, "same", List.of(other), List.of());

        assertThat(answer.pdus()).isEqualTo(Map.of(f.idOf(first), OK));
        assertThat(again).isEqualTo(answer);
        assertThat(f.server.storage().graphRow(f.idOf(other))).isEmpty();
        // the same ID from another server is another transaction
        assertThat(f.send(OTHER, "same", List.of(), List.of()).pdus()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void transactionsOverTheLimitsAreRefusedAndNothingIsStored(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        String join = f.carolJoins();
        List<ObjectNode> pdus = new ArrayList<>();
        String prev = join;
        for (int i = 0; i < 51; i++) {
            ObjectNode m = f.event(CAROL, "m.room.message", null, "{\"msgtype\":\"m.text\",\"body\":\"" + i + "\"}", List.of(prev),
                    List.of(f.state("m.room.create", ""), f.state("m.room.power_levels", ""), join));
            pdus.add(m);
            prev = f.idOf(m);
        }
        assertThatThrownBy(() -> f.send(REMOTE, "big", pdus, List.of())).isInstanceOfSatisfying(MatrixException.class,
                e -> assertThat(List.of(e.status(), e.errcode())).containsExactly(400, "M_BAD_JSON"));
        assertThat(f.server.storage().graphRow(f.idOf(pdus.getFirst()))).as("nothing of it taken in").isEmpty();
        EphemeralDataUnit typing = edu("m.typing", "{\"room_id\":\"" + f.roomId + "\",\"user_id\":\"" + CAROL + "\",\"typing\":true}");
        assertThatThrownBy(() -> f.send(REMOTE, "chatty", List.of(), Collections.nCopies(101, typing)))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.status()).isEqualTo(400));
        assertThat(f.aliceSync().path("ephemeral").path("events").toString()).doesNotContain(CAROL);

        // the refused transaction's ID was not used up: within the limits it is processed
        assertThat(f.send(REMOTE, "big", pdus.subList(0, 50), List.of()).pdus().values()).hasSize(50).containsOnly(OK);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void eventsNotSignedByTheirSendersServersAndForgedOriginsAreRefused(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        String join = f.carolJoins();
        // dave's join made up by remote.test (signed with its own key, not dave's server's): refused, nothing stored
        ObjectNode unsigned = f.join(DAVE);
        unsigned.remove(List.of("signatures", "hashes"));
        ObjectNode forged = EventSigning.hashAndSign(unsigned, REMOTE, FederationFixture.REMOTE_KEY, f.version);
        PDUProcessingResults r = f.send(REMOTE, List.of(forged));
        assertThat(r.pdus().get(f.idOf(forged)).error()).hasValueSatisfying(e -> assertThat(e).startsWith("M_FORBIDDEN"));
        assertThat(f.server.storage().graphRow(f.idOf(forged))).isEmpty();
        assertThat(f.state("m.room.member", DAVE)).isNull();

        // dave's join signed by his own server, passed on by remote.test (a resident server relays joins made through
        // it): the signatures vouch for it
        ObjectNode daves = f.join(DAVE);
        assertThat(f.send(REMOTE, List.of(daves)).pdus().get(f.idOf(daves))).isEqualTo(OK);
        assertThat(f.state("m.room.member", DAVE)).isEqualTo(f.idOf(daves));

        // carol's event claiming other.test as its origin
        ObjectNode claimed = f.message(CAROL, "from elsewhere", List.of(join));
        claimed.put("origin", OTHER);
        PDUProcessingResults c = f.send(REMOTE, List.of(claimed));
        assertThat(c.pdus().get(f.idOf(claimed)).error()).isPresent();
        assertThat(f.server.storage().graphRow(f.idOf(claimed))).isEmpty();

        // a transaction whose body names another origin than the server that sent it
        ObjectNode hello = f.message(CAROL, "hello", List.of(join));
        assertThatThrownBy(() -> f.transactions.sendTransaction(FederationFixture.from(OTHER), new SendTransaction.Request("x",
                new ServerServerSendTransactionRequest(REMOTE, 1L, List.of(hello), Optional.empty(), Map.of()))))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.status()).isEqualTo(403));
        assertThat(f.server.storage().graphRow(f.idOf(hello))).isEmpty();

        // an event of a room this server does not know, and one badly signed: errors of their own, the rest goes in
        ObjectNode elsewhere = f.message(CAROL, "elsewhere", List.of(join));
        elsewhere.put("room_id", "!unknown:" + REMOTE);
        ObjectNode tampered = f.message(CAROL, "signed", List.of(join));
        ((ObjectNode) tampered.path("content")).put("body", "changed");
        tampered.put("origin_server_ts", 5);
        PDUProcessingResults mixed = f.send(REMOTE, List.of(elsewhere, tampered, hello));
        assertThat(mixed.pdus()).hasSize(3);
        assertThat(mixed.pdus().get(f.idOf(hello))).isEqualTo(OK);
        assertThat(mixed.pdus().values().stream().filter(p -> p.error().isPresent())).hasSize(2);
    }
}
