package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.storage.Backends;
import dev.mxspec.runtime.client.MatrixHttpClient;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.clientserver.AuthenticationData;
import dev.mxspec.spec.v1_7.clientserver.CreateRoomRequest;
import dev.mxspec.spec.v1_7.clientserver.CreateRoomRequestPreset;
import dev.mxspec.spec.v1_7.clientserver.GetRoomEventsDir;
import dev.mxspec.spec.v1_7.clientserver.JoinRoomByIdRequest;
import dev.mxspec.spec.v1_7.clientserver.PostReceiptReceiptType;
import dev.mxspec.spec.v1_7.clientserver.PostReceiptRequest;
import dev.mxspec.spec.v1_7.clientserver.RegisterRequest;
import dev.mxspec.spec.v1_7.clientserver.client.ClientServerClient;
import dev.mxspec.spec.v1_7.clientserver.endpoints.CreateRoom;
import dev.mxspec.spec.v1_7.clientserver.endpoints.GetRoomEvents;
import dev.mxspec.spec.v1_7.clientserver.endpoints.JoinRoomById;
import dev.mxspec.spec.v1_7.clientserver.endpoints.PostReceipt;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Register;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SendMessage;
import dev.mxspec.spec.v1_7.clientserver.endpoints.SetAccountData;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Sync;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Syncs read what changed from memory (the latest events of a room, memberships, which streams
 * changed since a token); these tests race many writers against long-polling readers and check
 * that every reader still sees every event exactly once and in the room's order.
 */
class SyncConsistencyTest {

    private static final int SENDERS = 3;
    private static final int MESSAGES = 60;
    private static final String WIDE = "{\"room\":{\"timeline\":{\"limit\":500}}}";

    @TempDir
    Path dir;

    private Homeserver start(String backend) throws Exception {
        Optional<String> pg = backend.equals("postgresql") ? Optional.of(Backends.postgresSchemaUrl()) : Optional.empty();
        return Homeserver.start(new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), backend, pg, true, 0, -1));
    }

    private static ClientServerClient user(Homeserver server, String name) {
        ClientServerClient client = new ClientServerClient(MatrixHttpClient.create(URI.create("http://127.0.0.1:" + server.port())));
        var response = client.register(new Register.Request(Optional.empty(), new RegisterRequest(
                Optional.of(new AuthenticationData(Optional.of("m.login.dummy"), Optional.empty(), Map.of())), Optional.of(name),
                Optional.of("password-" + name), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of())));
        client.http().accessToken(response.accessToken().orElseThrow());
        return client;
    }

    private static String publicRoom(ClientServerClient owner, String name) {
        return owner.createRoom(new CreateRoom.Request(new CreateRoomRequest(Optional.empty(), Optional.empty(), Optional.of(name),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(CreateRoomRequestPreset.PUBLIC_CHAT), Optional.empty(), Optional.empty(), Map.of()))).roomId();
    }

    private static JsonNode sync(ClientServerClient client, Optional<String> filter, String since, long timeoutMs) {
        return MatrixJson.tree(client.sync(new Sync.Request(filter, Optional.of(since), Optional.empty(), Optional.empty(),
                Optional.of(timeoutMs))));
    }

    private static List<String> bodies(JsonNode sync, String roomId) {
        List<String> out = new ArrayList<>();
        sync.path("rooms").path("join").path(roomId).path("timeline").path("events").forEach(e -> {
            if (e.path("type").asText().equals("m.room.message")) {
                out.add(e.path("content").path("body").asText());
            }
        });
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void concurrentSendersAndLongPollingReadersSeeEveryEventOnceInOrder(String backend) throws Exception {
        try (Homeserver server = start(backend); ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            ClientServerClient owner = user(server, "owner");
            String roomId = publicRoom(owner, "race");
            List<ClientServerClient> senders = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                senders.add(user(server, "sender" + s));
            }
            List<ClientServerClient> readers = List.of(user(server, "reader0"), user(server, "reader1"));
            for (ClientServerClient c : concat(senders, readers)) {
                c.joinRoomById(new JoinRoomById.Request(roomId, new JoinRoomByIdRequest(Optional.empty(), Optional.empty(), Map.of())));
            }
            List<String> startTokens = new ArrayList<>();
            for (ClientServerClient r : readers) {
                startTokens.add(sync(r, Optional.of(WIDE), "s0", 0).path("next_batch").asText());
            }
            int total = SENDERS * MESSAGES;
            List<Future<List<String>>> seen = new ArrayList<>();
            for (int r = 0; r < readers.size(); r++) {
                ClientServerClient reader = readers.get(r);
                String first = startTokens.get(r);
                seen.add(threads.submit(() -> {
                    List<String> got = new ArrayList<>();
                    String since = first;
                    long deadline = System.currentTimeMillis() + 60_000;
                    while (got.size() < total && System.currentTimeMillis() < deadline) {
                        JsonNode response = sync(reader, Optional.of(WIDE), since, 2_000);
                        assertThat(response.path("rooms").path("join").path(roomId).path("timeline").path("limited").asBoolean())
                                .as("a timeline of at most 500 events is never limited here").isFalse();
                        got.addAll(bodies(response, roomId));
                        since = response.path("next_batch").asText();
                    }
                    return got;
                }));
            }
            List<Future<?>> writes = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                ClientServerClient sender = senders.get(s);
                int k = s;
                writes.add(threads.submit(() -> {
                    for (int i = 0; i < MESSAGES; i++) {
                        String eventId = sender.sendMessage(new SendMessage.Request(roomId, "m.room.message", "t" + i,
                                MatrixJson.mapper().createObjectNode().put("msgtype", "m.text").put("body", k + "/" + i))).eventId();
                        if (i % 10 == 0) { // other streams change meanwhile: receipts and account data
                            sender.postReceipt(new PostReceipt.Request(roomId, PostReceiptReceiptType.M_READ, eventId,
                                    new PostReceiptRequest(Optional.empty(), Map.of())));
                            sender.setAccountData(new SetAccountData.Request("@sender" + k + ":localhost", "org.example.count",
                                    MatrixJson.mapper().createObjectNode().put("i", i)));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> w : writes) {
                w.get();
            }
            var history = owner.getRoomEvents(new GetRoomEvents.Request(roomId, Optional.empty(), Optional.empty(), GetRoomEventsDir.B,
                    Optional.of(1000L), Optional.empty()));
            List<String> stored = new ArrayList<>(history.chunk().stream().filter(e -> e.type().equals("m.room.message"))
                    .map(e -> e.content().path("body").asText()).toList());
            Collections.reverse(stored);
            assertThat(stored).hasSize(total);
            for (Future<List<String>> reader : seen) {
                assertThat(reader.get()).as("what a reader saw through sync").containsExactlyElementsOf(stored);
            }
            // Reading again from the first token: the same events, whether memory still holds them all or not.
            JsonNode again = sync(readers.getFirst(), Optional.of(WIDE), startTokens.getFirst(), 0);
            assertThat(bodies(again, roomId)).containsExactlyElementsOf(stored);
            JsonNode lastTen = sync(readers.getFirst(), Optional.of("{\"room\":{\"timeline\":{\"limit\":10}}}"), startTokens.getFirst(), 0);
            assertThat(bodies(lastTen, roomId)).containsExactlyElementsOf(stored.subList(total - 10, total));
            assertThat(lastTen.path("rooms").path("join").path(roomId).path("timeline").path("limited").asBoolean()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aTransactionIdSentConcurrentlyOrAfterLeavingIsOneEvent(String backend) throws Exception {
        try (Homeserver server = start(backend); ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            ClientServerClient owner = user(server, "owner");
            String roomId = publicRoom(owner, "txns");
            ClientServerClient guest = user(server, "guest");
            guest.joinRoomById(new JoinRoomById.Request(roomId, new JoinRoomByIdRequest(Optional.empty(), Optional.empty(), Map.of())));
            List<Future<String>> sends = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                sends.add(threads.submit(() -> guest.sendMessage(new SendMessage.Request(roomId, "m.room.message", "same",
                        MatrixJson.mapper().createObjectNode().put("msgtype", "m.text").put("body", "only once"))).eventId()));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : sends) {
                ids.add(f.get());
            }
            assertThat(ids).as("every repeat answers with the one event").containsOnly(ids.getFirst());
            guest.leaveRoom(new dev.mxspec.spec.v1_7.clientserver.endpoints.LeaveRoom.Request(roomId,
                    new dev.mxspec.spec.v1_7.clientserver.LeaveRoomRequest(Optional.empty(), Map.of())));
            String afterLeaving = guest.sendMessage(new SendMessage.Request(roomId, "m.room.message", "same",
                    MatrixJson.mapper().createObjectNode().put("msgtype", "m.text").put("body", "only once"))).eventId();
            assertThat(afterLeaving).as("a repeat after leaving still answers with the event").isEqualTo(ids.getFirst());
            var history = owner.getRoomEvents(new GetRoomEvents.Request(roomId, Optional.empty(), Optional.empty(), GetRoomEventsDir.B,
                    Optional.of(100L), Optional.empty()));
            assertThat(history.chunk().stream().filter(e -> e.type().equals("m.room.message")).map(e -> e.eventId()).toList())
                    .containsExactly(ids.getFirst());
        }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
