package dev.mxspec.homeserver.client;

import dev.mxspec.client.cli.Main;
import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.main.Homeserver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the tests of the reference client share: a homeserver on SQLite in a temporary folder, the client's stored
 * sessions in that folder too, and the command line run in process with its output kept.
 */
abstract class CommandLineTests {

    @TempDir
    Path dir;

    Homeserver server;
    String url;

    /** A command line run: its exit code and what it printed (stripped). */
    record Result(int code, String out, String err) {}

    /** The server's configuration; a test class changes what it needs. */
    ServerConfig configure(ServerConfig config) {
        return config;
    }

    @BeforeEach
    void start() throws Exception {
        server = Homeserver.start(configure(new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), "sqlite",
                Optional.empty(), true, 0, 0)));
        url = "http://127.0.0.1:" + server.port();
        System.setProperty("mxspec.client.config", dir.resolve("config").toString());
    }

    @AfterEach
    void stop() {
        server.close();
        System.clearProperty("mxspec.client.config");
    }

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString().strip(), err.toString().strip());
    }
}
