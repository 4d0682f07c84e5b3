package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mxspec.homeserver.services.AccountService;
import dev.mxspec.runtime.json.MatrixJson;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code GET /admin/whois}: a user's devices with their last request, for himself or an administrator only. */
class WhoisTest {

    @TempDir
    Path dir;

    private int port;

    private JsonHttp.Reply get(String path, String token, String userAgent) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_matrix/client/v3" + path))
                .header("Authorization", "Bearer " + token).header("User-Agent", userAgent).GET().build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        return new JsonHttp.Reply(r.statusCode(), MatrixJson.mapper().readTree(r.body()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aUserSeesHisOwnDevicesAndAnAdministratorAnyonesNobodyElse(String backend) throws Exception {
        try (Homeserver server = TestServers.start(backend, dir, c -> c)) {
            port = server.port();
            JsonHttp http = new JsonHttp(port);
            String alice = http.register("alice", "alice-password");
            String bob = http.register("bob", "bob-password");
            new AccountService(server.storage(), "localhost", System::currentTimeMillis).register(Optional.of("root"), "root-password",
                    Optional.empty(), Optional.empty(), true, false, true);
            String root = http.call("POST", "/login", null, "{\"type\":\"m.login.password\",\"identifier\":{\"type\":\"m.id.user\","
                    + "\"user\":\"root\"},\"password\":\"root-password\"}").body().path("access_token").asText();
            String device = get("/account/whoami", alice, "TeaClient/1.0 (kettle)").body().path("device_id").asText();
            long before = System.currentTimeMillis();

            JsonHttp.Reply own = get("/admin/whois/" + URLEncoder.encode("@alice:localhost", StandardCharsets.UTF_8), alice, "TeaClient/1.0 (kettle)");
            assertThat(own.status()).as(own.body().toString()).isEqualTo(200);
            assertThat(own.body().path("user_id").asText()).isEqualTo("@alice:localhost");
            JsonNode connection = own.body().path("devices").path(device).path("sessions").get(0).path("connections").get(0);
            assertThat(connection.path("ip").asText()).isEqualTo("127.0.0.1");
            assertThat(connection.path("user_agent").asText()).isEqualTo("TeaClient/1.0 (kettle)");
            assertThat(connection.path("last_seen").asLong()).isBetween(before - 60_000, System.currentTimeMillis());
            JsonNode listed = get("/devices", alice, "TeaClient/1.0 (kettle)").body().path("devices").get(0);
            assertThat(listed.path("last_seen_ip").asText()).as("GET /devices shows it too").isEqualTo("127.0.0.1");

            get("/account/whoami", alice, "OtherClient/2");
            JsonNode again = get("/admin/whois/" + URLEncoder.encode("@alice:localhost", StandardCharsets.UTF_8), root, "AdminTool").body();
            assertThat(again.path("devices").path(device).path("sessions").get(0).path("connections").get(0).path("user_agent").asText())
                    .as("another client is noted at once, and an administrator sees it").isEqualTo("OtherClient/2");

            JsonHttp.Reply refused = get("/admin/whois/" + URLEncoder.encode("@alice:localhost", StandardCharsets.UTF_8), bob, "x");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.body().path("errcode").asText()).isEqualTo("M_FORBIDDEN");
            assertThat(get("/admin/whois/" + URLEncoder.encode("@nobody:localhost", StandardCharsets.UTF_8), root, "x").status()).isEqualTo(404);
            assertThat(get("/admin/whois/" + URLEncoder.encode("@carol:elsewhere.example", StandardCharsets.UTF_8), root, "x").status())
                    .isEqualTo(400);
            assertThat(get("/admin/whois/" + URLEncoder.encode("@alice:localhost", StandardCharsets.UTF_8), "syt_nope", "x").status())
                    .isEqualTo(401);
        }
    }
}
