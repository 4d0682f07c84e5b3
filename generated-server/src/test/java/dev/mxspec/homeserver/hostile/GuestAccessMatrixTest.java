package dev.mxspec.homeserver.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.api.GuestAccess;
import dev.mxspec.homeserver.hostile.Fixture.User;
import dev.mxspec.homeserver.hostile.Operations.Op;
import dev.mxspec.runtime.api.Endpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A guest's token on every served authenticated operation the guest access module does not list: 403
 * {@code M_GUEST_ACCESS_FORBIDDEN}, whatever the path and body, and nothing changes; the listed ones are not refused for
 * being a guest's.
 */
class GuestAccessMatrixTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aGuestIsRefusedEveryOperationTheModuleDoesNotList(String backend) throws Exception {
        try (Fixture fx = Fixture.start(backend, dir, c -> c.withGuestAccess(true))) {
            User alice = fx.register("alice");
            String room = fx.createRoom(alice, "{\"preset\":\"public_chat\",\"room_alias_name\":\"r\"}");
            JsonNode registered = fx.raw.ok("POST", Fixture.CS + "/register?kind=guest", null, "{}");
            User guest = new User(registered.path("user_id").asText(), registered.path("access_token").asText());
            List<String> aliases = List.of("#r:localhost");
            JsonNode before = fx.snapshot(alice, aliases);
            List<String> problems = new ArrayList<>();
            int refused = 0;
            int allowed = 0;
            for (Op op : Operations.clientServer()) {
                Endpoint e = op.endpoint();
                if (!e.authenticated()) {
                    continue;
                }
                Map<String, String> path = new LinkedHashMap<>();
                for (String p : e.pathParams()) {
                    path.put(p, switch (p) {
                        case "userId" -> guest.id();
                        case "roomId", "roomIdOrAlias" -> room;
                        case "eventId" -> "$x";
                        case "roomAlias" -> "#r:localhost";
                        case "serverName" -> "localhost";
                        case "mediaId" -> "abcdef";
                        default -> {
                            List<String> known = Operations.knownValues(op.pathTypes().getOrDefault(p, Object.class));
                            yield known.isEmpty() ? "x" : known.getFirst();
                        }
                    });
                }
                String body = op.body().map(b -> Operations.sample(b).toString()).orElse(null);
                String url = e.expand(path) + (e.queryParams().contains("timeout") ? "?timeout=0" : ""); // no long polls
                if (e.queryParams().contains("room_id")) { // GET /events peeks with it, and is the account's stream without
                    url += (url.contains("?") ? "&" : "?") + "room_id=" + java.net.URLEncoder.encode(room, java.nio.charset.StandardCharsets.UTF_8);
                }
                long started = System.nanoTime();
                Raw.Reply r = fx.raw.send(e.method(), url, guest.token(), body);
                if (System.nanoTime() - started > 2_000_000_000L) {
                    System.out.println("slow for a guest: " + e.name());
                }
                if (r.status() == 404 && r.errcode().equals("M_UNRECOGNIZED")) {
                    continue; // not served
                }
                boolean guestRefusal = r.isMatrixError() && r.status() == 403 && r.errcode().equals("M_GUEST_ACCESS_FORBIDDEN");
                if (GuestAccess.ALLOWED.contains(e.name())) {
                    allowed++;
                    if (guestRefusal) {
                        problems.add(e.name() + " is the module's but refused a guest");
                    }
                } else {
                    refused++;
                    if (!guestRefusal) {
                        problems.add(e.name() + ": expected 403 M_GUEST_ACCESS_FORBIDDEN, got " + r);
                    }
                }
                if (r.status() >= 500) {
                    problems.add(e.name() + ": server error " + r);
                }
            }
            JsonNode after = fx.snapshot(alice, aliases);
            System.out.printf("guest access matrix (%s): %d operations refused to guests, %d allowed%n", backend, refused, allowed);
            assertThat(problems).isEmpty();
            assertThat(refused).isGreaterThan(80);
            assertThat(allowed).isGreaterThan(20);
            assertThat(after).as("a guest's refused requests change nothing alice sees").isEqualTo(before);
        }
    }
}
