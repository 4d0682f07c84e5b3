package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.runtime.api.Endpoint;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.spec.v1_7.serverserver.server.ServerServerRouter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every operation of the v1.7 Server-Server API (the generated router's list), asked by another server (its signing
 * key, over TLS) with bodies that are no request: JSON {@code null}, an array, a string, a number, JSON that does not
 * parse, an object of the wrong shape; then without a signature, and with an over-long path parameter. Each answer is
 * a Matrix error (JSON with an {@code errcode}, a 4xx status) or a success, never a 5xx, no operation answers
 * {@code M_UNRECOGNIZED} (each is wired to a handler), and the room the requests name keeps its state.
 */
class FederationBadInputTest extends TwoFederatingServers {

    private static final List<String> BODIES = List.of("null", "[]", "\"text\"", "42", "{not json", "{\"pdus\":7,\"origin\":[]}");

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void everyOperationAnswersBadInputWithAMatrixErrorAndChangesNothing(String backend) throws Exception {
        a = start(backend, "a");
        b = start("sqlite", "b");
        String nameA = FederationServers.name(a);
        String nameB = FederationServers.name(b);
        SigningKey keyB = FederationServers.signingKey(b);
        String alice = api.register(a, "alice");
        String roomId = api.call(a, "POST", "/createRoom", alice, "{\"preset\":\"public_chat\",\"room_alias_name\":\"bad\"}")
                .path("room_id").asText();
        String eventId = api.call(a, "PUT", "/rooms/" + ClientApi.enc(roomId) + "/send/m.room.message/1", alice,
                "{\"msgtype\":\"m.text\",\"body\":\"hi\"}").path("event_id").asText();
        Map<List<String>, String> stateBefore = a.storage().currentState(roomId);
        Map<String, String> values = Map.of("roomId", roomId, "eventId", eventId, "userId", "@bob:" + nameB, "txnId", "bad",
                "serverName", nameA, "keyId", "ed25519:a", "queryType", "profile");
        HttpClient http = FederationTls.outbound(FederationServers.settings(1, serverTls, caFile, false, 0)).http("localhost");

        List<String> problems = new ArrayList<>();
        java.util.Set<String> unrecognized = new java.util.TreeSet<>();
        Map<String, Integer> statuses = new LinkedHashMap<>();
        int requests = 0;
        for (Endpoint e : ServerServerRouter.ENDPOINTS) {
            Map<String, String> path = new LinkedHashMap<>();
            e.pathParams().forEach(p -> path.put(p, values.getOrDefault(p, "x")));
            String uri = e.expand(path);
            List<Case> cases = new ArrayList<>();
            if (e.hasBody() || e.method().equals("PUT") || e.method().equals("POST")) {
                for (String body : BODIES) {
                    cases.add(new Case("body " + body, uri, Optional.of(body), true));
                }
            }
            cases.add(new Case("unsigned", uri, e.hasBody() ? Optional.of("{}") : Optional.empty(), false));
            if (!e.pathParams().isEmpty()) {
                Map<String, String> longer = new LinkedHashMap<>(path);
                longer.put(e.pathParams().getFirst(), "a".repeat(2_000));
                cases.add(new Case("long path parameter", e.expand(longer), e.hasBody() ? Optional.of("{}") : Optional.empty(), true));
            }
            for (Case c : cases) {
                requests++;
                HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("https://localhost:" + a.federation().port().orElseThrow() + c.uri()))
                        .method(e.method(), c.body().map(HttpRequest.BodyPublishers::ofString).orElseGet(HttpRequest.BodyPublishers::noBody));
                c.body().ifPresent(x -> r.header("Content-Type", "application/json"));
                if (c.signed()) {
                    Optional<JsonNode> content = c.body().flatMap(FederationBadInputTest::parsed);
                    r.header("Authorization", RequestSigning.sign(e.method(), c.uri(), nameB, nameA, content, keyB).header());
                }
                HttpResponse<String> answer = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
                statuses.merge(e.name() + " " + answer.statusCode(), 1, Integer::sum);
                String what = e.method() + " " + e.path() + " (" + e.name() + "), " + c.what() + ": " + answer.statusCode() + " "
                        + abbreviated(answer.body());
                if (answer.statusCode() == 404 && answer.body().contains("M_UNRECOGNIZED")) {
                    unrecognized.add(e.name());
                }
                if (answer.statusCode() >= 500) {
                    problems.add(what);
                } else if (answer.statusCode() >= 400) {
                    Optional<JsonNode> json = parsed(answer.body());
                    if (json.isEmpty() || !json.get().path("errcode").asText().startsWith("M_")
                            || !answer.headers().firstValue("content-type").orElse("").startsWith("application/json")) {
                        problems.add(what + ": not a Matrix error");
                    }
                }
                if (!c.signed() && e.authenticated() && answer.statusCode() != 401) {
                    problems.add(what + ": an unsigned request must get 401");
                }
            }
        }
        System.out.printf("federation bad-input suite (%s): %d operations, %d requests, %d problems%n", backend,
                ServerServerRouter.ENDPOINTS.size(), requests, problems.size());
        assertThat(problems).isEmpty();
        assertThat(unrecognized).as("operations answered M_UNRECOGNIZED: not wired to a handler").isEmpty();
        assertThat(requests).isGreaterThan(ServerServerRouter.ENDPOINTS.size() * 2);
        assertThat(a.storage().currentState(roomId)).isEqualTo(stateBefore);
    }

    private record Case(String what, String uri, Optional<String> body, boolean signed) {}

    private static Optional<JsonNode> parsed(String text) {
        try {
            return Optional.ofNullable(MatrixJson.mapper().readTree(text));
        } catch (java.io.IOException | RuntimeException notJson) {
            return Optional.empty();
        }
    }

    private static String abbreviated(String body) {
        return body.length() > 200 ? body.substring(0, 200) + "..." : body;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
