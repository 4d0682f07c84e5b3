package dev.mxspec.homeserver.main;

import static dev.mxspec.homeserver.main.RoomAccessTest.enc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.homeserver.appservice.AppServiceClient;
import dev.mxspec.homeserver.appservice.AppServiceQueries;
import dev.mxspec.homeserver.appservice.RegistrationFiles;
import dev.mxspec.runtime.api.MatrixException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Users and aliases of a service's namespaces that do not exist yet: the homeserver asks the service
 * ({@code GET /_matrix/app/v1/users/{userId}}, {@code /rooms/{roomAlias}}), which makes them through the Client-Server
 * API before it answers 200; the homeserver then finds them. IDs outside every namespace are never asked about.
 */
class AppServiceQueriesTest {

    @TempDir
    Path dir;

    private Homeserver server;
    private JsonHttp http;
    private TestAppService bridge;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (bridge != null) {
            bridge.close();
        }
    }

    private void start(String backend) throws Exception {
        bridge = new TestAppService("hs_" + System.nanoTime());
        Path registration = bridge.register(dir, "bridge", "as_bridge", "bridge_bot", AppServiceTransactionsTest.NAMESPACES, "[]");
        server = TestServers.start(backend, dir, c -> c.withAppServiceConfigFiles(List.of(registration.toString())));
        http = new JsonHttp(server.port());
    }

    /** The bridge's side: makes a public room with the alias's localpart (as its user {@code token}); whether it did. */
    private boolean makeRoomFor(String token, String alias, AtomicReference<String> made) {
        try {
            String localpart = alias.substring(1, alias.indexOf(':'));
            JsonHttp.Reply r = http.call("POST", "/createRoom", token, "{\"preset\":\"public_chat\",\"room_alias_name\":\"" + localpart + "\"}");
            made.set(r.body().path("room_id").asText());
            return r.status() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private long asked(String pathPart) {
        return bridge.seen().stream().filter(s -> s.path().contains(pathPart)).count();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void anAliasOfTheNamespaceIsMadeByTheServiceWhenAskedForAndJoined(String backend) throws Exception {
        start(backend);
        String alice = http.register("alice", "alice-password");
        String bridgeUser = http.register("_br_puppet", "puppet-password");
        AtomicReference<String> made = new AtomicReference<>();
        bridge.aliases = alias -> alias.startsWith("#_br_new") && makeRoomFor(bridgeUser, alias, made);

        JsonHttp.Reply resolved = http.call("GET", "/directory/room/" + enc("#_br_new:localhost"), alice, null);
        assertThat(resolved.status()).as(resolved.body().toString()).isEqualTo(200);
        assertThat(resolved.body().path("room_id").asText()).isEqualTo(made.get());

        JsonHttp.Reply joined = http.call("POST", "/join/" + enc("#_br_newer:localhost"), alice, "{}");
        assertThat(joined.status()).as(joined.body().toString()).isEqualTo(200);
        assertThat(joined.body().path("room_id").asText()).isEqualTo(made.get());

        JsonHttp.Reply refused = http.call("GET", "/directory/room/" + enc("#_br_nothing:localhost"), alice, null);
        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.body().path("errcode").asText()).isEqualTo("M_NOT_FOUND");
        assertThat(asked("/rooms/%23_br_nothing")).isEqualTo(1);

        JsonHttp.Reply outside = http.call("GET", "/directory/room/" + enc("#lobby:localhost"), alice, null);
        assertThat(outside.status()).isEqualTo(404);
        assertThat(asked("lobby")).as("an alias outside the namespace is not asked about").isZero();
        long before = asked("/rooms/");
        assertThat(http.call("GET", "/directory/room/" + enc("#_br_new:localhost"), alice, null).status()).isEqualTo(200);
        assertThat(asked("/rooms/")).as("an alias that exists is not asked about again").isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void aUserOfTheNamespaceIsMadeByTheServiceWhenItsProfileIsAskedFor(String backend) throws Exception {
        start(backend);
        String alice = http.register("alice", "alice-password");
        bridge.users = userId -> {
            if (!userId.equals("@_br_dave:localhost")) {
                return false;
            }
            try {
                String dave = http.register("_br_dave", "dave-password");
                return http.call("PUT", "/profile/" + enc(userId) + "/displayname", dave, "{\"displayname\":\"Dave (IRC)\"}").status() == 200;
            } catch (Exception e) {
                return false;
            }
        };

        JsonHttp.Reply profile = http.call("GET", "/profile/" + enc("@_br_dave:localhost"), alice, null);
        assertThat(profile.status()).as(profile.body().toString()).isEqualTo(200);
        assertThat(profile.body().path("displayname").asText()).isEqualTo("Dave (IRC)");

        JsonHttp.Reply unknown = http.call("GET", "/profile/" + enc("@_br_nobody:localhost"), alice, null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("errcode").asText()).isEqualTo("M_NOT_FOUND");
        assertThat(asked("/users/%40_br_nobody")).isEqualTo(1);

        assertThat(http.call("GET", "/profile/" + enc("@zed:localhost"), alice, null).status()).isEqualTo(404);
        assertThat(asked("zed")).as("a user outside the namespace is not asked about").isZero();
        assertThat(bridge.seen()).allSatisfy(s -> assertThat(s.tokenRight()).isTrue());
    }

    @Test
    void aServiceThatKnowsOnlyTheLegacyRoutesIsAskedThere() throws Exception {
        start("sqlite");
        bridge.legacyOnly();
        String alice = http.register("alice", "alice-password");
        bridge.users = userId -> {
            try {
                return http.call("POST", "/register", null, "{\"username\":\"_br_erin\",\"password\":\"erin-password\","
                        + "\"auth\":{\"type\":\"m.login.dummy\"}}").status() == 200;
            } catch (Exception e) {
                return false;
            }
        };

        assertThat(http.call("GET", "/profile/" + enc("@_br_erin:localhost"), alice, null).status()).isEqualTo(200);
        assertThat(bridge.seen()).anySatisfy(s -> assertThat(s.path()).isEqualTo("/users/%40_br_erin%3Alocalhost"));
    }

    @Test
    void aServiceThatNeverAnswersIsAskedThreeTimesThenTheClientGets408() throws Exception {
        bridge = new TestAppService("hs_slow");
        bridge.queryDelayMs = 2_000;
        var registration = RegistrationFiles.read(bridge.register(dir, "slow", "as_slow", "slow_bot", AppServiceTransactionsTest.NAMESPACES, "[]"),
                "localhost");
        AppServiceClient client = AppServiceClient.of(registration, AppServiceClient.httpClient(),
                new AppServiceClient.Timeouts(Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofMillis(200))).orElseThrow();
        AppServiceQueries queries = new AppServiceQueries(List.of(client), "localhost");

        assertThatThrownBy(() -> queries.aliasMadeByService("#_br_slow:localhost"))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.status()).isEqualTo(408));
        // the client gave up on each request after 200 ms, whether or not the service had read it yet: wait until the
        // three reached it (a fourth would have been sent before the 408 too)
        long end = System.nanoTime() + 10_000_000_000L;
        while (asked("/rooms/") < 3 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(asked("/rooms/")).isEqualTo(3);
        assertThat(queries.aliasMadeByService("#elsewhere:localhost")).isFalse();
        assertThat(queries.userMadeByService("@_br_someone:other.server")).as("a user of another server").isFalse();
        assertThat(asked("/users/")).isZero();
    }
}
