package dev.mxspec.homeserver.federation;

import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of two homeservers {@code a} and {@code b} federating over TLS on loopback, with certificates of one test CA
 * (made once per class), each in a folder of its own, and {@code c}, a third, where a test needs one; all are closed
 * after each test.
 */
abstract class TwoFederatingServers {

    @TempDir
    static Path certificates;

    static Path caFile;
    static Path[] serverTls;

    @TempDir
    Path dir;

    Homeserver a;
    Homeserver b;
    Homeserver c;
    final ClientApi api = new ClientApi();

    @BeforeAll
    static void makeCertificates() throws Exception {
        TestCa ca = TestCa.create("mxspec test CA");
        caFile = ca.writeCertificate(certificates.resolve("ca.crt"));
        serverTls = ca.issueServer(certificates, "server", "localhost");
    }

    @AfterEach
    void stop() {
        for (Homeserver s : new Homeserver[] {a, b, c}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** Waits up to 20 s for {@code value} to be {@code expected} (what another server sends arrives in the background). */
    static void eventually(java.util.function.Supplier<String> value, String expected) throws InterruptedException {
        long end = System.currentTimeMillis() + 20_000;
        while (!value.get().equals(expected) && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
        org.assertj.core.api.Assertions.assertThat(value.get()).isEqualTo(expected);
    }

    /** A server with federation on a free port, named {@code localhost:<port>}, in the folder {@code name}. */
    Homeserver start(String backend, String name) throws Exception {
        return Homeserver.start(config(backend, name));
    }

    /** The configuration {@link #start} uses, for a test that restarts a server on it. */
    ServerConfig config(String backend, String name) throws Exception {
        return FederationServers.config(backend, Files.createDirectories(dir.resolve(name)),
                FederationServers.settings(FederationServers.freePort(), serverTls, caFile, false, 0));
    }
}
