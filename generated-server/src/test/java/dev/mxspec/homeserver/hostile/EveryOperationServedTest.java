package dev.mxspec.homeserver.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.runtime.api.Endpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Client-Server operation of v1.7, from the generated metadata, asked of a running server with a valid token: an
 * operation the server does not serve answers {@code M_UNRECOGNIZED}. The operations not served yet are named here, so
 * that the list can only shrink: one served that is still listed fails the test as much as one that stopped being served.
 * ({@code inviteBy3PID} shares its method and path with {@code inviteUser}, so this test cannot tell whether it is
 * served: the tests of third-party invites do.)
 */
class EveryOperationServedTest {

    /** What this server does not serve yet. */
    static final Set<String> NOT_YET_SERVED = Set.of();

    @TempDir
    Path dir;

    @Test
    void everyOperationOfV17IsServedButTheListedOnes() throws Exception {
        try (Fixture fx = Fixture.start("sqlite", dir)) {
            Fixture.User alice = fx.register("alice");
            Set<String> unserved = new TreeSet<>();
            List<Operations.Op> ops = Operations.clientServer();
            for (Operations.Op op : ops) {
                Endpoint e = op.endpoint();
                Map<String, String> path = new LinkedHashMap<>();
                for (String p : e.pathParams()) {
                    path.put(p, switch (p) {
                        case "userId" -> alice.id();
                        case "roomId", "roomIdOrAlias" -> "!x:localhost";
                        case "eventId" -> "$x";
                        case "roomAlias" -> "#x:localhost";
                        case "serverName" -> "localhost";
                        case "mediaId" -> "abcdef";
                        default -> {
                            List<String> known = Operations.knownValues(op.pathTypes().getOrDefault(p, Object.class));
                            yield known.isEmpty() ? "x" : known.getFirst();
                        }
                    });
                }
                String url = e.expand(path) + (e.queryParams().contains("timeout") ? "?timeout=0" : "");
                byte[] body = op.body().map(b -> Operations.sample(b).toString().getBytes(StandardCharsets.UTF_8)).orElse(null);
                Raw.Reply r = fx.raw.send(e.method(), url, alice.token(), body);
                if ((r.status() == 404 || r.status() == 405) && r.errcode().equals("M_UNRECOGNIZED")) {
                    unserved.add(e.name());
                }
            }
            System.out.println("client-server operations of v1.7: " + ops.size() + ", served " + (ops.size() - unserved.size())
                    + ", not yet: " + unserved);
            assertThat(ops).hasSize(150);
            assertThat(unserved).isEqualTo(new TreeSet<>(NOT_YET_SERVED));
        }
    }
}
