package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.crypto.VerifyKey;
import dev.mxspec.homeserver.http.JettyAdapter;
import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.runtime.json.MatrixJson;
import dev.mxspec.runtime.server.ServerRequest;
import dev.mxspec.spec.v1_7.serverserver.endpoints.SendTransaction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FederationAuthenticatorTest {

    private static final SigningKey ORIGIN_KEY = SigningKey.generate("a");
    private static final FederationAuthenticator AUTHENTICATOR = new FederationAuthenticator("b.example",
            (server, keyId) -> server.equals("a.example") && keyId.equals(ORIGIN_KEY.keyId()) ? Optional.of(ORIGIN_KEY.verifyKey())
                    : Optional.<VerifyKey>empty());

    private static ServerRequest request(String method, String path, String rawQuery, String body, String authorization) {
        Map<String, String> headers = new HashMap<>();
        headers.put("authorization", authorization);
        if (rawQuery != null) {
            headers.put(JettyAdapter.RAW_QUERY, rawQuery);
        }
        return new ServerRequest(method, path, Map.of(), headers, body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
    }

    private static String signed(String method, String uri, String destination, Optional<JsonNode> content) {
        return RequestSigning.sign(method, uri, "a.example", destination, content, ORIGIN_KEY).header();
    }

    @Test
    void theOriginOfARightlySignedRequestIsItsPrincipal() throws Exception {
        String body = "{\"pdus\":[],\"edus\":[{\"edu_type\":\"m.typing\",\"content\":{}}]}";
        String path = "/_matrix/federation/v1/send/t%2F1";
        String auth = signed("PUT", path + "?x=%20y", "b.example", Optional.of(MatrixJson.mapper().readTree(body)));
        assertThat(AUTHENTICATOR.authenticate(SendTransaction.ENDPOINT, request("PUT", path, "x=%20y", body, auth)))
                .isEqualTo(new Origin("a.example"));
    }

    @Test
    void aRequestWithoutDestinationIsCheckedAsSignedForThisServer() {
        XMatrix full = RequestSigning.sign("GET", "/_matrix/federation/v1/version", "a.example", "b.example", Optional.empty(), ORIGIN_KEY);
        String old = new XMatrix(full.origin(), Optional.empty(), full.key(), full.sig()).header();
        assertThat(AUTHENTICATOR.authenticate(SendTransaction.ENDPOINT, request("GET", "/_matrix/federation/v1/version", null, "", old)))
                .isEqualTo(new Origin("a.example"));
    }

    @Test
    void aRequestRightlySignedForAnotherServerIsUnauthorized() throws Exception {
        String path = "/_matrix/federation/v1/send/t1";
        String forC = signed("PUT", path, "c.example", Optional.of(MatrixJson.mapper().readTree("{\"pdus\":[]}")));
        assertThatThrownBy(() -> AUTHENTICATOR.authenticate(SendTransaction.ENDPOINT, request("PUT", path, null, "{\"pdus\":[]}", forC)))
                .as("a request c.example was sent, replayed to this server").isInstanceOfSatisfying(MatrixException.class, e -> {
                    assertThat(e.status()).isEqualTo(401);
                    assertThat(e.errcode()).isEqualTo("M_UNAUTHORIZED");
                });
    }

    @Test
    void aChangedBodyMethodQueryOrUnknownKeyIsUnauthorized() throws Exception {
        String path = "/_matrix/federation/v1/send/t1";
        String auth = signed("PUT", path, "b.example", Optional.of(MatrixJson.mapper().readTree("{\"pdus\":[]}")));
        for (ServerRequest r : List.of(
                request("PUT", path, null, "{\"pdus\":[1]}", auth),
                request("POST", path, null, "{\"pdus\":[]}", auth),
                request("PUT", path, "a=b", "{\"pdus\":[]}", auth),
                request("PUT", path, null, "not json", auth),
                request("PUT", path, null, "{\"pdus\":[]}", auth.replace("ed25519:a", "ed25519:other")),
                request("PUT", path, null, "{\"pdus\":[]}", auth.replace("a.example", "c.example")))) {
            assertThatThrownBy(() -> AUTHENTICATOR.authenticate(SendTransaction.ENDPOINT, r))
                    .isInstanceOfSatisfying(MatrixException.class, e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.errcode()).isEqualTo("M_UNAUTHORIZED");
                    });
        }
    }
}
