package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Server discovery against a fake well-known server (one path per hostname) and fake SRV records. */
class ServerDiscoveryTest {

    private record Answer(int status, String body, String cacheControl, String location) {}

    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, SrvLookup.Target> srvRecords = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private HttpServer wellKnown;
    private ServerDiscovery discovery;

    @BeforeEach
    void startWellKnownServer() throws IOException {
        wellKnown = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        wellKnown.createContext("/", exchange -> {
            requests.incrementAndGet();
            String host = exchange.getRequestURI().getPath().split("/")[1];
            Answer answer = answers.getOrDefault(host, new Answer(404, "{}", null, null));
            if (answer.cacheControl() != null) {
                exchange.getResponseHeaders().add("Cache-Control", answer.cacheControl());
            }
            if (answer.location() != null) {
                exchange.getResponseHeaders().add("Location", answer.location());
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        wellKnown.start();
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        WellKnownLookup lookup = new WellKnownLookup(host -> client, this::location, now::get);
        discovery = new ServerDiscovery(lookup, name -> Optional.ofNullable(srvRecords.get(name)));
    }

    @AfterEach
    void stop() {
        wellKnown.stop(0);
    }

    private URI location(String hostname) {
        return URI.create(base() + "/" + hostname + "/.well-known/matrix/server");
    }

    private String base() {
        return "http://127.0.0.1:" + wellKnown.getAddress().getPort();
    }

    private void delegate(String hostname, String server) {
        answers.put(hostname, new Answer(200, "{\"m.server\":\"" + server + "\"}", null, null));
    }

    @Test
    void anIpLiteralIsUsedAsItIsWithoutLookups() {
        assertThat(discovery.resolve("192.0.2.7")).isEqualTo(new Destination("192.0.2.7", "192.0.2.7", 8448, "192.0.2.7", "192.0.2.7"));
        assertThat(discovery.resolve("[2001:db8::1]:8000"))
                .isEqualTo(new Destination("[2001:db8::1]:8000", "2001:db8::1", 8000, "[2001:db8::1]:8000", "2001:db8::1"));
        assertThat(requests).hasValue(0);
    }

    @Test
    void aHostnameWithAPortIsUsedWithoutLookups() {
        srvRecords.put("_matrix-fed._tcp.localhost", new SrvLookup.Target("elsewhere", 1));
        assertThat(discovery.resolve("localhost:8448")).isEqualTo(new Destination("localhost:8448", "localhost", 8448, "localhost:8448", "localhost"));
        assertThat(requests).hasValue(0);
    }

    @Test
    void wellKnownDelegationToAnIpLiteralOrAHostnameWithPort() {
        delegate("ip.test", "192.0.2.9");
        delegate("port.test", "matrix.port.test:9000");
        assertThat(discovery.resolve("ip.test")).isEqualTo(new Destination("ip.test", "192.0.2.9", 8448, "192.0.2.9", "192.0.2.9"));
        assertThat(discovery.resolve("port.test"))
                .isEqualTo(new Destination("port.test", "matrix.port.test", 9000, "matrix.port.test:9000", "matrix.port.test"));
    }

    @Test
    void wellKnownDelegationToAHostnameLooksUpItsSrvRecordsThenUses8448() {
        delegate("srv.test", "delegate.srv.test");
        delegate("plain.test", "delegate.plain.test");
        srvRecords.put("_matrix._tcp.delegate.srv.test", new SrvLookup.Target("target.srv.test", 7000));
        assertThat(discovery.resolve("srv.test"))
                .isEqualTo(new Destination("srv.test", "target.srv.test", 7000, "delegate.srv.test", "delegate.srv.test"));
        assertThat(discovery.resolve("plain.test"))
                .isEqualTo(new Destination("plain.test", "delegate.plain.test", 8448, "delegate.plain.test", "delegate.plain.test"));
    }

    @Test
    void withoutWellKnownTheHostnamesSrvRecordsThenPort8448() {
        srvRecords.put("_matrix-fed._tcp.fed.test", new SrvLookup.Target("new.fed.test", 7001));
        srvRecords.put("_matrix._tcp.fed.test", new SrvLookup.Target("old.fed.test", 7002));
        srvRecords.put("_matrix._tcp.legacy.test", new SrvLookup.Target("old.legacy.test", 7003));
        answers.put("bad-json.test", new Answer(200, "{not json", null, null));
        answers.put("no-server.test", new Answer(200, "{\"m.other\":1}", null, null));
        assertThat(discovery.resolve("fed.test")).isEqualTo(new Destination("fed.test", "new.fed.test", 7001, "fed.test", "fed.test"));
        assertThat(discovery.resolve("legacy.test"))
                .isEqualTo(new Destination("legacy.test", "old.legacy.test", 7003, "legacy.test", "legacy.test"));
        assertThat(discovery.resolve("none.test")).isEqualTo(new Destination("none.test", "none.test", 8448, "none.test", "none.test"));
        assertThat(discovery.resolve("bad-json.test").port()).isEqualTo(8448);
        assertThat(discovery.resolve("no-server.test").port()).isEqualTo(8448);
    }

    @Test
    void redirectsAreFollowedAndLoopsEndInAnError() {
        answers.put("moved.test", new Answer(302, "", null, base() + "/target.test/.well-known/matrix/server"));
        delegate("target.test", "moved-to.test:1234");
        answers.put("loop.test", new Answer(302, "", null, base() + "/loop.test/.well-known/matrix/server"));
        assertThat(discovery.resolve("moved.test").host()).isEqualTo("moved-to.test");
        assertThat(discovery.resolve("loop.test")).isEqualTo(new Destination("loop.test", "loop.test", 8448, "loop.test", "loop.test"));
    }

    @Test
    void answersAreCachedAsCacheControlSaysAndErrorsForAnHour() {
        answers.put("cached.test", new Answer(200, "{\"m.server\":\"one.test:1\"}", "public, max-age=60", null));
        assertThat(discovery.resolve("cached.test").host()).isEqualTo("one.test");
        answers.put("cached.test", new Answer(200, "{\"m.server\":\"two.test:2\"}", null, null));
        now.addAndGet(59_000);
        assertThat(discovery.resolve("cached.test").host()).isEqualTo("one.test");
        assertThat(requests).hasValue(1);
        now.addAndGet(2_000);
        assertThat(discovery.resolve("cached.test").host()).isEqualTo("two.test");
        assertThat(requests).hasValue(2);
        // no Cache-Control: a day
        now.addAndGet(WellKnownLookup.DEFAULT_CACHE_MS - 1);
        discovery.resolve("cached.test");
        assertThat(requests).hasValue(2);

        discovery.resolve("failing.test");
        now.addAndGet(WellKnownLookup.ERROR_CACHE_MS - 1);
        discovery.resolve("failing.test");
        assertThat(requests).hasValue(3);
        now.addAndGet(2);
        discovery.resolve("failing.test");
        assertThat(requests).hasValue(4);
    }

    @Test
    void cacheTimesAreBoundedByTwoDays() {
        assertThat(WellKnownLookup.cacheMs(Optional.of("max-age=999999999"))).isEqualTo(WellKnownLookup.MAX_CACHE_MS);
        assertThat(WellKnownLookup.cacheMs(Optional.of("no-store"))).isZero();
        assertThat(WellKnownLookup.cacheMs(Optional.empty())).isEqualTo(WellKnownLookup.DEFAULT_CACHE_MS);
    }
}
