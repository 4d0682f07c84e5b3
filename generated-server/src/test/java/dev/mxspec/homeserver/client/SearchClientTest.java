package dev.mxspec.homeserver.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.client.sdk.MatrixSession;
import dev.mxspec.client.sdk.Search;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Search from the reference client: the SDK's batches and the command line's {@code search}. */
class SearchClientTest extends CommandLineTests {

    @Test
    void theSdkPagesThroughResultsInBothOrders() {
        MatrixSession alice = MatrixSession.connect(url);
        alice.register("alice", "alice-password");
        String roomId = alice.createRoom(Optional.of("Orchard"), false, List.of());
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            sent.add(alice.send(roomId, "m.room.message", MatrixJson.mapper().createObjectNode().put("msgtype", "m.text")
                    .put("body", "plum " + "plum ".repeat(i % 3) + i)));
        }
        Search.Page first = alice.search().page("plum", Optional.empty(), true, 5, Optional.empty());
        assertThat(first.hits()).hasSize(5);
        assertThat(first.count()).isEqualTo(12);
        assertThat(first.highlights()).containsExactly("plum");
        assertThat(first.next()).isPresent();
        List<String> recent = alice.search().find("plum", Optional.of(roomId), true, 100).stream().map(h -> h.event().eventId()).toList();
        assertThat(recent).isEqualTo(sent.reversed());
        List<Search.Hit> ranked = alice.search().find("plum", Optional.empty(), false, 100);
        assertThat(ranked).extracting(h -> h.event().eventId()).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(ranked.getFirst().rank()).isGreaterThan(ranked.getLast().rank());
        assertThat(alice.search().find("plum", Optional.empty(), true, 7)).hasSize(7);
    }

    @Test
    void theSearchCommandPrintsEachResultWithItsRoomInTheOrderAsked() {
        cli("register", "--homeserver", url, "alice", "--password", "alice-password");
        cli("register", "--homeserver", url, "bob", "--password", "bob-password");
        String tea = cli("--user", "@alice:localhost", "create-room", "--name", "Afternoon", "--invite", "@bob:localhost").out();
        String cake = cli("--user", "@alice:localhost", "create-room", "--name", "Bakery").out();
        cli("--user", "@bob:localhost", "join", tea);
        String green = cli("--user", "@alice:localhost", "send", tea, "green tea at four").out();
        String black = cli("--user", "@bob:localhost", "send", tea, "black tea, strong tea, more tea").out();
        String lemon = cli("--user", "@alice:localhost", "send", cake, "lemon cake with tea").out();
        cli("--user", "@alice:localhost", "send", cake, "cake without it");

        assertThat(cli("--user", "@alice:localhost", "search", "tea", "--order", "recent").out().lines()).containsExactly(
                cake + "  " + lemon + "  @alice:localhost: lemon cake with tea",
                tea + "  " + black + "  @bob:localhost: black tea, strong tea, more tea",
                tea + "  " + green + "  @alice:localhost: green tea at four");
        String name = server.storage().currentStateEvent(tea, "m.room.name", "").orElseThrow();
        assertThat(cli("--user", "@alice:localhost", "search", "afternoon").out()).isEqualTo(tea + "  " + name + "  @alice:localhost [m.room.name]");
        assertThat(cli("--user", "@alice:localhost", "search", "tea", "--room", tea).out().lines().findFirst()).as("most relevant first")
                .contains(tea + "  " + black + "  @bob:localhost: black tea, strong tea, more tea");
        assertThat(cli("--user", "@bob:localhost", "search", "cake").out()).as("bob is not in the cake room").isEmpty();
        assertThat(cli("--user", "@alice:localhost", "--json", "search", "lemon").out()).contains("\"event_id\":\"" + lemon + "\"");
        Result wrongOrder = cli("--user", "@alice:localhost", "search", "tea", "--order", "sideways");
        assertThat(wrongOrder.code()).isNotZero();
        assertThat(wrongOrder.err()).contains("--order is rank or recent, not sideways").doesNotContain("\tat ");
    }
}
