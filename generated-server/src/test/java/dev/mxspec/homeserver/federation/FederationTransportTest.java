package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.homeserver.crypto.JsonSigning;
import dev.mxspec.homeserver.crypto.ServerKeys;
import dev.mxspec.homeserver.crypto.SigningKey;
import dev.mxspec.homeserver.crypto.VerifyKey;
import dev.mxspec.homeserver.main.Homeserver;
import dev.mxspec.runtime.json.MatrixJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two homeservers federating over TLS on loopback, named {@code localhost:<port>}: key fetching and its cache,
 * the notary, signed requests, and requests that must be refused.
 */
class FederationTransportTest {

    @TempDir
    static Path certificates;

    static Path caFile;
    static Path[] serverTls;
    static Path[] rogueTls;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        TestCa ca = TestCa.create("mxspec test CA");
        caFile = ca.writeCertificate(certificates.resolve("ca.crt"));
        serverTls = ca.issueServer(certificates, "server", "localhost");
        rogueTls = TestCa.create("unknown CA").issueServer(certificates, "rogue", "localhost");
    }

    private Homeserver start(String backend, String name, Path[] tls, boolean skipChecks, long keyValidityMs) throws Exception {
        int port = FederationServers.freePort();
        return FederationServers.start(backend, Files.createDirectories(dir.resolve(name)),
                FederationServers.settings(port, tls, caFile, skipChecks, keyValidityMs));
    }

    private Homeserver start(String backend, String name) throws Exception {
        return start(backend, name, serverTls, false, 0);
    }

    private static HttpClient trustingCa() {
        return FederationTls.outbound(FederationServers.settings(1, serverTls, caFile, false, 0)).http("localhost");
    }

    private static HttpResponse<String> get(Homeserver server, String uri, Optional<String> authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + server.federation().port().orElseThrow() + uri));
        authorization.ifPresent(a -> request.header("Authorization", a));
        return trustingCa().send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertUnauthorized(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(MatrixJson.mapper().readTree(response.body()).path("errcode").asText()).isEqualTo("M_UNAUTHORIZED");
    }

    private static String profileUri(Homeserver server) {
        return "/_matrix/federation/v1/query/profile?user_id=%40nobody%3A" + FederationServers.name(server).replace(":", "%3A");
    }

    @org.junit.jupiter.api.Test
    void theFederationListenerAnswersWellKnownWithTheDelegatedServerWhenOneIsConfigured() throws Exception {
        int port = FederationServers.freePort();
        // the delegating server binds its port before the other picks one, which could otherwise be the same
        try (Homeserver delegating = FederationServers.start("sqlite", Files.createDirectories(dir.resolve("delegating")),
                        FederationServers.settings(port, serverTls, caFile, false, 0).withWellKnownServer("matrix.example.org:8448"));
                Homeserver plain = start("sqlite", "plain")) {
            HttpResponse<String> none = get(plain, "/.well-known/matrix/server", Optional.empty());
            assertThat(none.statusCode()).isEqualTo(404);
            assertThat(MatrixJson.mapper().readTree(none.body()).path("errcode").asText()).isEqualTo("M_NOT_FOUND");
            HttpResponse<String> delegated = get(delegating, "/.well-known/matrix/server", Optional.empty());
            assertThat(delegated.statusCode()).isEqualTo(200);
            assertThat(MatrixJson.mapper().readTree(delegated.body()).path("m.server").asText()).isEqualTo("matrix.example.org:8448");
        }
        assertThatThrownBy(() -> FederationServers.settings(1, serverTls, caFile, false, 0).withWellKnownServer("not a host/path"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("well_known_server");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void fetchesAnotherServersKeysOverTlsAndKeepsThem(String backend) throws Exception {
        try (Homeserver a = start(backend, "a")) {
            Homeserver b = start(backend, "b");
            String bName = FederationServers.name(b);
            VerifyKey bKey = FederationServers.signingKey(b).verifyKey();
            Optional<VerifyKey> fetched;
            try (b) {
                fetched = a.federation().keys().requestKey(bName, "ed25519:a");
                assertThat(fetched.map(VerifyKey::publicKey)).hasValue(bKey.publicKey());
                assertThat(fetched.orElseThrow().validUntilTs()).isGreaterThan(System.currentTimeMillis() + 3_600_000);
                assertThat(a.storage().remoteKeys(bName)).isPresent();
            }
            // b is gone: the second lookup makes no request, the keys come from the cache
            assertThat(a.federation().keys().requestKey(bName, "ed25519:a")).isEqualTo(fetched);
            assertThat(a.federation().keys().find(bName, "ed25519:a")).isEqualTo(fetched);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void notaryAnswersWithTheKeysSignedByBothServers(String backend) throws Exception {
        try (Homeserver a = start(backend, "a"); Homeserver b = start(backend, "b")) {
            String aName = FederationServers.name(a);
            String bName = FederationServers.name(b);
            ServerKeys both = ServerKeys.of(Map.of(aName, java.util.List.of(FederationServers.signingKey(a).verifyKey()),
                    bName, java.util.List.of(FederationServers.signingKey(b).verifyKey())));

            HttpResponse<String> single = get(b, "/_matrix/key/v2/query/" + aName, Optional.empty());
            assertThat(single.statusCode()).isEqualTo(200);
            JsonNode keys = MatrixJson.mapper().readTree(single.body()).path("server_keys");
            assertThat(keys.size()).isEqualTo(1);
            ObjectNode answer = (ObjectNode) keys.get(0);
            assertThat(answer.path("server_name").asText()).isEqualTo(aName);
            assertThat(answer.path("verify_keys").path("ed25519:a").path("key").asText())
                    .isEqualTo(FederationServers.signingKey(a).publicKeyBase64());
            assertThat(JsonSigning.verify(answer, aName, both).isVerified()).isTrue();
            assertThat(JsonSigning.verify(answer, bName, both).isVerified()).isTrue();

            String query = "{\"server_keys\":{\"" + aName + "\":{\"ed25519:a\":{\"minimum_valid_until_ts\":0}}}}";
            HttpResponse<String> bulk = trustingCa().send(HttpRequest.newBuilder(
                            URI.create("https://localhost:" + b.federation().port().orElseThrow() + "/_matrix/key/v2/query"))
                    .POST(HttpRequest.BodyPublishers.ofString(query)).header("Content-Type", "application/json").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bulk.statusCode()).isEqualTo(200);
            ObjectNode bulkAnswer = (ObjectNode) MatrixJson.mapper().readTree(bulk.body()).path("server_keys").get(0);
            assertThat(JsonSigning.verify(bulkAnswer, aName, both).isVerified()).isTrue();
            assertThat(JsonSigning.verify(bulkAnswer, bName, both).isVerified()).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void signedRequestOfOneServerIsAcceptedByTheOther(String backend) throws Exception {
        try (Homeserver a = start(backend, "a"); Homeserver b = start(backend, "b")) {
            String bName = FederationServers.name(b);
            FederationClient.Response version = a.federation().client().send(bName, "GET", "/_matrix/federation/v1/version", Optional.empty());
            assertThat(version.status()).isEqualTo(200);
            assertThat(version.body().path("server").path("name").asText()).isEqualTo("mxspec");

            // an authenticated endpoint: the signature is accepted, and the query answered (no such user)
            FederationClient.Response profile = a.federation().client().send(bName, "GET", profileUri(b), Optional.empty());
            assertThat(profile.status()).isEqualTo(404);
            assertThat(profile.body().path("errcode").asText()).isEqualTo("M_NOT_FOUND");

            FederationClient.Response alias = a.federation().client().send(bName, "GET",
                    "/_matrix/federation/v1/query/directory?room_alias=%23none%3A" + bName.replace(":", "%3A"), Optional.empty());
            assertThat(alias.status()).isEqualTo(404);
            assertThat(alias.body().path("errcode").asText()).isEqualTo("M_NOT_FOUND");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void refusesRequestsWhoseSignatureDoesNotHold(String backend) throws Exception {
        try (Homeserver a = start(backend, "a"); Homeserver b = start(backend, "b")) {
            String aName = FederationServers.name(a);
            String bName = FederationServers.name(b);
            String uri = profileUri(b);
            SigningKey aKey = FederationServers.signingKey(a);
            // the control: rightly signed, it passes (404: no such user)
            assertThat(get(b, uri, Optional.of(RequestSigning.sign("GET", uri, aName, bName, Optional.empty(), aKey).header())).statusCode())
                    .isEqualTo(404);
            // signed with another key of the same ID
            assertUnauthorized(get(b, uri, Optional.of(
                    RequestSigning.sign("GET", uri, aName, bName, Optional.empty(), SigningKey.generate("a")).header())));
            // a's key, claiming to come from b
            assertUnauthorized(get(b, uri, Optional.of(RequestSigning.sign("GET", uri, bName, bName, Optional.empty(), aKey).header())));
            // for another destination
            assertUnauthorized(get(b, uri, Optional.of(
                    RequestSigning.sign("GET", uri, aName, "localhost:1", Optional.empty(), aKey).header())));
            // signed for another URI
            assertUnauthorized(get(b, uri, Optional.of(
                    RequestSigning.sign("GET", uri + "&field=displayname", aName, bName, Optional.empty(), aKey).header())));
            // no header, a bearer token, a garbled header
            assertUnauthorized(get(b, uri, Optional.empty()));
            assertUnauthorized(get(b, uri, Optional.of("Bearer abc")));
            assertUnauthorized(get(b, uri, Optional.of("X-Matrix origin=\"" + aName + "\",key=\"ed25519:a\",sig=\"not base64!\"")));
            assertUnauthorized(get(b, uri, Optional.of("X-Matrix origin=\"unterminated,key=ed25519:a,sig=abc")));
            assertUnauthorized(get(b, uri, Optional.of("X-Matrix")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void refusesRequestsSignedWithExpiredKeys(String backend) throws Exception {
        try (Homeserver a = start(backend, "a", serverTls, false, 1); Homeserver b = start(backend, "b")) {
            String bName = FederationServers.name(b);
            // a publishes keys valid for 1 ms: expired by the time b has fetched them, and again when b has them cached
            for (int i = 0; i < 2; i++) {
                FederationClient.Response response = a.federation().client().send(bName, "GET", profileUri(b), Optional.empty());
                assertThat(response.status()).isEqualTo(401);
                assertThat(response.body().path("errcode").asText()).isEqualTo("M_UNAUTHORIZED");
                Thread.sleep(5);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void refusesCertificatesOfUnknownAuthoritiesUnlessChecksAreSkipped(String backend) throws Exception {
        try (Homeserver rogue = start(backend, "rogue", rogueTls, false, 0);
                Homeserver a = start(backend, "a");
                Homeserver trusting = start(backend, "trusting", serverTls, true, 0)) {
            String rogueName = FederationServers.name(rogue);
            assertThatThrownBy(() -> a.federation().client().send(rogueName, "GET", "/_matrix/federation/v1/version", Optional.empty()))
                    .isInstanceOf(SSLException.class);
            assertThat(a.federation().keys().requestKey(rogueName, "ed25519:a")).isEmpty();

            assertThat(trusting.federation().client().send(rogueName, "GET", "/_matrix/federation/v1/version", Optional.empty()).status())
                    .isEqualTo(200);
            assertThat(trusting.federation().keys().requestKey(rogueName, "ed25519:a")).isPresent();
        }
    }
}
