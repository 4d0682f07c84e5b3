package dev.mxspec.homeserver.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.client.sdk.Credentials;
import dev.mxspec.client.sdk.MatrixSession;
import dev.mxspec.runtime.json.MatrixJson;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The client's spaces, directory, upgrade and report commands against the reference homeserver. */
class DiscoveryCommandsTest extends CommandLineTests {

    @Test
    void aSpaceIsShownAsATreePeopleAreFoundRoomsUpgradedAndMessagesReported() throws Exception {
        cli("register", "--homeserver", url, "alice", "--password", "alice-password");
        cli("register", "--homeserver", url, "bob", "--password", "bob-password");
        MatrixSession alice = MatrixSession.resume(Credentials.load(Optional.of("@alice:localhost")).orElseThrow());
        String space = create(alice, "{\"name\":\"Tea club\",\"preset\":\"public_chat\",\"creation_content\":{\"type\":\"m.space\"}}");
        String sub = create(alice, "{\"name\":\"Kettles\",\"preset\":\"public_chat\",\"creation_content\":{\"type\":\"m.space\"}}");
        String chat = create(alice, "{\"name\":\"Chat\",\"preset\":\"public_chat\"}");
        String green = create(alice, "{\"name\":\"Green\",\"preset\":\"public_chat\"}");
        child(alice, space, sub);
        child(alice, space, chat);
        child(alice, sub, green);
        cli("--user", "@bob:localhost", "join", chat);

        assertThat(cli("--user", "@bob:localhost", "spaces", space).out().lines()).containsExactly(
                "Tea club  (space " + space + ", 1 member)",
                "  Kettles  (space " + sub + ", 1 member)",
                "    Green  (room " + green + ", 1 member)",
                "  Chat  (room " + chat + ", 2 members)");
        assertThat(cli("--user", "@bob:localhost", "spaces", space, "--depth", "1").out().lines()).hasSize(3);
        JsonNode tree = MatrixJson.mapper().readTree(cli("--user", "@bob:localhost", "--json", "spaces", space).out());
        assertThat(tree.path("children").get(0).path("children").get(0).path("room_id").asText()).isEqualTo(green);

        assertThat(cli("--user", "@bob:localhost", "directory", "ali").out()).isEqualTo("@alice:localhost  alice");
        assertThat(cli("--user", "@bob:localhost", "directory", "nobody").out()).isEmpty();

        Result refused = cli("--user", "@bob:localhost", "upgrade", chat, "10");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).startsWith("error: M_FORBIDDEN");
        String replacement = cli("--user", "@alice:localhost", "upgrade", chat, "10").out();
        assertThat(replacement).startsWith("!").isNotEqualTo(chat);

        String rude = alice.sendText(green, "rude words");
        cli("--user", "@bob:localhost", "join", green);
        assertThat(cli("--user", "@bob:localhost", "report", green, rude, "--reason", "rude", "--score", "-50").out()).isEqualTo("reported " + rude);
        assertThat(server.storage().reports(0, 10)).hasSize(1);
        assertThat(cli("--user", "@bob:localhost", "report", green, rude, "--score", "-500").err()).startsWith("error: M_INVALID_PARAM");
    }

    private String create(MatrixSession s, String body) throws Exception {
        var request = MatrixJson.mapper().readValue(body, dev.mxspec.spec.v1_7.clientserver.CreateRoomRequest.class);
        return s.api().createRoom(new dev.mxspec.spec.v1_7.clientserver.endpoints.CreateRoom.Request(request)).roomId();
    }

    private static void child(MatrixSession s, String parent, String child) {
        s.setState(parent, "m.space.child", child, MatrixJson.mapper().createObjectNode().set("via",
                MatrixJson.mapper().createArrayNode().add("localhost")));
    }
}
