package dev.mxspec.homeserver.federation.rooms;

import static dev.mxspec.homeserver.federation.rooms.FederationFixture.REMOTE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.rooms.EventIds;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Outgoing transactions: in order, each taken in once by the destination, through outages and restarts. */
class FederationSenderTest {

    /** A destination that is down, or up and taking each transaction ID in once (as {@code /send} does), or losing its answers. */
    static final class Destination implements TransactionSender {
        volatile boolean down = true;
        volatile boolean loseAnswers;
        final AtomicInteger attempts = new AtomicInteger();
        final AtomicInteger repeats = new AtomicInteger();
        final Map<String, ObjectNode> taken = new LinkedHashMap<>();
        final List<String> destinations = new ArrayList<>();

        @Override
        public synchronized Response send(String destination, String txnId, ObjectNode body) throws IOException {
            attempts.incrementAndGet();
            destinations.add(destination);
            if (down) {
                throw new IOException("connection refused");
            }
            if (taken.putIfAbsent(txnId, body) != null) {
                repeats.incrementAndGet();
            }
            if (loseAnswers) {
                throw new IOException("connection reset before the answer");
            }
            return new Response(200, MatrixJson.mapper().createObjectNode().putObject("pdus"));
        }

        synchronized List<ObjectNode> pdus() {
            List<ObjectNode> all = new ArrayList<>();
            taken.values().forEach(t -> t.path("pdus").forEach(p -> all.add((ObjectNode) p)));
            return all;
        }

        synchronized List<JsonNode> edus() {
            List<JsonNode> all = new ArrayList<>();
            taken.values().forEach(t -> t.path("edus").forEach(all::add));
            return all;
        }

        synchronized List<ObjectNode> bodies() {
            return List.copyOf(taken.values());
        }
    }

    @TempDir
    Path dir;

    private FederationFixture f;
    private FederationSender sender;

    @AfterEach
    void stop() {
        if (sender != null) {
            sender.close();
        }
        if (f != null) {
            f.close();
        }
    }

    private FederationSender sender(TransactionSender to) {
        FederationSender s = new FederationSender(f.server.storage(), f.server.rooms(), to, "localhost", System::currentTimeMillis,
                new Backoff(5, 40));
        f.server.rooms().onLocalEvent(s);
        f.server.streams().listen(s);
        s.start();
        return s;
    }

    private List<String> ids(List<ObjectNode> pdus) {
        return pdus.stream().map(p -> EventIds.of(p, f.version).orElseThrow()).toList();
    }

    private static void await(BooleanSupplier done) throws InterruptedException {
        long until = System.currentTimeMillis() + 30_000;
        while (!done.getAsBoolean() && System.currentTimeMillis() < until) {
            Thread.sleep(10);
        }
        assertThat(done.getAsBoolean()).as("in time").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aDestinationThatWasDownGetsEveryTransactionOnceInOrder(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        f.carolJoins();
        Destination remote = new Destination();
        sender = sender(remote);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            sent.add(f.aliceSays("m" + i));
        }
        String alice = "@alice:localhost";
        f.client("PUT", "/rooms/" + f.roomId + "/typing/" + alice, f.alice, "{\"typing\":true,\"timeout\":30000}");
        f.client("POST", "/rooms/" + f.roomId + "/receipt/m.read/" + sent.getLast(), f.alice, "{}");
        await(() -> remote.attempts.get() >= 3); // tried, failed, tried again
        remote.down = false;
        await(() -> remote.pdus().size() >= 60 && remote.edus().size() >= 2);

        assertThat(ids(remote.pdus())).containsExactlyElementsOf(sent);
        assertThat(remote.bodies()).allSatisfy(b -> {
            assertThat(b.path("origin").asText()).isEqualTo("localhost");
            assertThat(b.path("pdus").size()).isLessThanOrEqualTo(50);
        });
        assertThat(remote.destinations).containsOnly(REMOTE);
        assertThat(remote.repeats.get()).isZero();
        List<String> eduTypes = remote.edus().stream().map(e -> e.path("edu_type").asText()).toList();
        assertThat(eduTypes).containsExactly("m.typing", "m.receipt");
        assertThat(remote.edus().get(0).path("content").path("user_id").asText()).isEqualTo(alice);
        assertThat(remote.edus().get(1).path("content").path(f.roomId).path("m.read").path(alice).path("event_ids").get(0).asText())
                .isEqualTo(sent.getLast());
        // a marker sent after everything: once it is there, whatever else would have gone out before it is there too
        sent.add(f.aliceSays("marker"));
        await(() -> ids(remote.pdus()).contains(sent.getLast()));
        assertThat(ids(remote.pdus())).as("nothing more, nothing twice").containsExactlyElementsOf(sent);
        assertThat(remote.repeats.get()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aRestartWhileATransactionIsUnansweredLosesNothingAndRepeatsNothing(String backend) throws Exception {
        f = FederationFixture.start(backend, dir);
        f.carolJoins();
        Destination remote = new Destination();
        sender = sender(remote);
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(f.aliceSays("before " + i));
        }
        await(() -> remote.attempts.get() >= 1);
        remote.loseAnswers = true; // it takes the transaction in, the answer never comes back
        remote.down = false;
        await(() -> remote.repeats.get() >= 1); // taken in, unanswered, sent again
        sender.close();
        int repeatsBefore = remote.repeats.get();
        f = f.restart();
        remote.loseAnswers = false;
        sender = sender(remote);
        for (int i = 0; i < 2; i++) {
            sent.add(f.aliceSays("after " + i));
        }
        await(() -> remote.pdus().size() >= 7);

        assertThat(ids(remote.pdus())).containsExactlyElementsOf(sent);
        assertThat(remote.repeats.get()).as("the unanswered transaction went again under its ID after the restart")
                .isGreaterThan(repeatsBefore);
        await(() -> f.server.storage().destinationsWithWork().isEmpty());
        assertThat(f.server.storage().outbox(REMOTE, 10)).isEmpty();
    }
}
