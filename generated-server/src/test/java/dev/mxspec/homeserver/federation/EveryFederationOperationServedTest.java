package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.hostile.Operations;
import dev.mxspec.runtime.api.Endpoint;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.serverserver.server.ServerServerBodyShapes;
import dev.mxspec.spec.v1_7.serverserver.server.ServerServerRouter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every Server-Server operation of v1.7, from the generated metadata, asked of a running server by another with a
 * signed request: an operation the server does not serve would answer {@code M_UNRECOGNIZED}, and none does.
 */
class EveryFederationOperationServedTest extends TwoFederatingServers {

    @Test
    void everyServerServerOperationOfV17IsServed() throws Exception {
        a = start("sqlite", "a");
        b = start("sqlite", "b");
        String nameB = FederationServers.name(b);
        Set<String> unserved = new TreeSet<>();
        Map<String, Integer> statuses = new LinkedHashMap<>();
        for (Endpoint e : ServerServerRouter.ENDPOINTS) {
            Map<String, String> path = new LinkedHashMap<>();
            for (String p : e.pathParams()) {
                path.put(p, switch (p) {
                    case "userId" -> "@nobody:" + nameB;
                    case "roomId" -> "!x:" + nameB;
                    case "eventId" -> "$x";
                    case "serverName" -> nameB;
                    case "keyId" -> "ed25519:a";
                    case "txnId" -> "t" + System.nanoTime();
                    case "queryType" -> "profile";
                    default -> "x";
                });
            }
            int status;
            JsonNode answer;
            if (!e.expand(path).startsWith("/_matrix/")) { // the well-known file: asked without signature, as servers do
                var r = unsigned(b, e.method(), e.expand(path), null);
                status = r.statusCode();
                answer = MatrixJson.mapper().readTree(r.body());
            } else {
                Optional<JsonNode> body = Optional.ofNullable(ServerServerBodyShapes.BY_OPERATION.get(e.name())).map(Operations::sample)
                        .or(() -> e.method().equals("GET") ? Optional.empty() : Optional.of(MatrixJson.mapper().createObjectNode()));
                FederationClient.Response r = a.federation().client().send(nameB, e.method(), e.expand(path), body);
                status = r.status();
                answer = r.body();
            }
            statuses.put(e.name(), status);
            if ((status == 404 || status == 405) && answer.path("errcode").asText().equals("M_UNRECOGNIZED")) {
                unserved.add(e.name());
            }
            assertThat(status).as(e.name() + " " + answer).isLessThan(500);
        }
        System.out.println("server-server operations of v1.7: " + statuses.size() + " " + statuses);
        assertThat(statuses).hasSize(35);
        assertThat(unserved).as("operations answered M_UNRECOGNIZED").isEmpty();
    }
}
