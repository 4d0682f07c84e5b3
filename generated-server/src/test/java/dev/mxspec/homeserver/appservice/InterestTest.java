package dev.mxspec.homeserver.appservice;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.storage.Records.StoredEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which services an event interests, by each kind of namespace, and the users of other servers that never count. */
class InterestTest {

    @TempDir
    Path dir;

    private final Map<String, List<String>> members = new HashMap<>();
    private final Map<String, List<String>> aliases = new HashMap<>();
    private final List<String> asked = new ArrayList<>();

    private Registration registration(String id, String namespaces) throws Exception {
        return RegistrationFiles.read(Files.writeString(dir.resolve(id + ".yaml"), """
                id: %s
                url: "http://127.0.0.1:9"
                as_token: as_%s
                hs_token: hs_%s
                sender_localpart: %s_bot
                namespaces:
                %s""".formatted(id, id, id, id, namespaces.indent(2))), "example.org");
    }

    private Interest interest(Registration... services) {
        return new Interest(List.of(services), "example.org", new Interest.RoomFacts() {
            @Override
            public List<String> joinedMembers(String roomId) {
                asked.add("members " + roomId);
                return members.getOrDefault(roomId, List.of());
            }

            @Override
            public List<String> aliases(String roomId) {
                asked.add("aliases " + roomId);
                return aliases.getOrDefault(roomId, List.of());
            }
        });
    }

    private static StoredEvent event(String roomId, String sender, String type, Optional<String> stateKey) {
        return new StoredEvent(1, "$e" + System.nanoTime(), roomId, type, stateKey, sender, 0, 1, "{}", Optional.empty(), Optional.empty());
    }

    private static StoredEvent message(String roomId, String sender) {
        return event(roomId, sender, "m.room.message", Optional.empty());
    }

    private static List<String> ids(List<Registration> services) {
        return services.stream().map(Registration::id).toList();
    }

    @Test
    void eachKindOfNamespaceMakesAServiceInterested() throws Exception {
        Registration users = registration("users", "users: [{exclusive: false, regex: \"@_irc_.*\"}]");
        Registration aliased = registration("aliases", "aliases: [{exclusive: false, regex: \"#_irc_.*:example.org\"}]");
        Registration rooms = registration("rooms", "rooms: [{exclusive: false, regex: \"!bridged:example.org\"}]");
        Interest.Pass pass = interest(users, aliased, rooms).pass();
        members.put("!joined:example.org", List.of("@alice:example.org", "@_irc_bob:example.org"));
        aliases.put("!aliased:example.org", List.of("#lobby:example.org", "#_irc_lobby:example.org"));

        assertThat(ids(pass.interested(message("!plain:example.org", "@_irc_bob:example.org")))).as("the sender").containsExactly("users");
        assertThat(ids(pass.interested(event("!plain:example.org", "@alice:example.org", "m.room.member", Optional.of("@_irc_carol:example.org")))))
                .as("the state key").containsExactly("users");
        assertThat(ids(pass.interested(message("!joined:example.org", "@alice:example.org")))).as("a joined member").containsExactly("users");
        assertThat(ids(pass.interested(message("!aliased:example.org", "@alice:example.org")))).as("an alias").containsExactly("aliases");
        assertThat(ids(pass.interested(message("!bridged:example.org", "@alice:example.org")))).as("the room ID").containsExactly("rooms");
        assertThat(ids(pass.interested(message("!plain:example.org", "@alice:example.org")))).as("none").isEmpty();
    }

    @Test
    void usersOfOtherServersNeverCountThoughTheRegexTakesThemIn() throws Exception {
        Registration users = registration("users", "users: [{exclusive: false, regex: \"@_irc_.*\"}]");
        Interest.Pass pass = interest(users).pass();
        members.put("!remote:example.org", List.of("@alice:example.org", "@_irc_bob:elsewhere.org"));

        assertThat(pass.interested(message("!plain:example.org", "@_irc_bob:elsewhere.org"))).as("a remote sender").isEmpty();
        assertThat(pass.interested(event("!plain:example.org", "@_irc_bob:elsewhere.org", "m.room.member", Optional.of("@_irc_bob:elsewhere.org"))))
                .as("a remote state key").isEmpty();
        assertThat(pass.interested(message("!remote:example.org", "@alice:example.org"))).as("a remote joined member").isEmpty();
        assertThat(ids(pass.interested(message("!remote:example.org", "@_irc_carol:example.org")))).as("a local one").containsExactly("users");
    }

    @Test
    void theServicesOwnSenderCountsAsItsUser() throws Exception {
        Registration bot = registration("bot", "users: []");
        Interest.Pass pass = interest(bot).pass();
        members.put("!withbot:example.org", List.of("@alice:example.org", "@bot_bot:example.org"));

        assertThat(ids(pass.interested(message("!withbot:example.org", "@alice:example.org")))).containsExactly("bot");
        assertThat(ids(pass.interested(event("!other:example.org", "@alice:example.org", "m.room.member", Optional.of("@bot_bot:example.org")))))
                .as("an invite of the bot").containsExactly("bot");
    }

    @Test
    void aRoomsFactsAreReadOncePerPass() throws Exception {
        Registration users = registration("users", "users: [{exclusive: false, regex: \"@_irc_.*\"}]");
        Registration aliased = registration("aliases", "aliases: [{exclusive: false, regex: \"#_irc_.*\"}]");
        Interest interest = interest(users, aliased);
        Interest.Pass pass = interest.pass();
        for (int i = 0; i < 5; i++) {
            pass.interested(message("!r:example.org", "@alice:example.org"));
        }
        assertThat(asked).containsExactly("members !r:example.org", "aliases !r:example.org");
        interest.pass().interested(message("!r:example.org", "@alice:example.org"));
        assertThat(asked).hasSize(4);
    }
}
