package dev.mxspec.homeserver.main;

import dev.mxspec.homeserver.core.ServerConfig;
import dev.mxspec.homeserver.services.AccountService;
import dev.mxspec.homeserver.services.RegistrationTokens;
import dev.mxspec.homeserver.storage.ReportStore;
import dev.mxspec.homeserver.storage.Storage;
import dev.mxspec.runtime.api.MatrixException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar mxspec-homeserver.jar [run --config FILE | generate-config ... | register-user ...]}.
 */
public final class Main {

    static final String USAGE = """
            usage: java -jar mxspec-homeserver.jar <command> [options]

              run [--config FILE]
                  Serves the Client-Server API. Without --config: server name localhost, port 8008,
                  SQLite in ./data.
              generate-config [--server-name NAME] [--port N] [--data-dir DIR]
                  Prints a commented YAML configuration.
              register-user --config FILE --user NAME --password PW [--admin]
                  Creates an account (also when registration is disabled).
              list-reports --config FILE [--since-ms EPOCH_MS]
                  Prints the events users reported as inappropriate, oldest first.
              create-registration-token --config FILE [--token TOKEN] [--uses N] [--expires-in-ms MS]
                  Makes a token people register with when registration_requires_token is on (a random one
                  without --token); prints it.
              list-registration-tokens --config FILE
                  Prints each token with its uses (pending, completed, allowed) and expiry.
            """;

    private Main() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        String command = args.length == 0 ? "run" : args[0];
        Map<String, String> options = new HashMap<>();
        List<String> flags = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--") && i + 1 < args.length && !args[i + 1].startsWith("--")) {
                options.put(args[i].substring(2), args[++i]);
            } else if (args[i].startsWith("--")) {
                flags.add(args[i].substring(2));
            } else {
                err.println("mxspec-homeserver: unexpected argument " + args[i]);
                err.print(USAGE);
                return 2;
            }
        }
        try {
            return switch (command) {
                case "run" -> serve(config(options), out);
                case "generate-config" -> {
                    ServerConfig defaults = ServerConfig.defaults();
                    out.print(new ServerConfig(options.getOrDefault("server-name", defaults.serverName()), defaults.host(),
                            Integer.parseInt(options.getOrDefault("port", "8008")), options.getOrDefault("data-dir", defaults.dataDir()),
                            "sqlite", Optional.empty(), true, defaults.maxBodyBytes(), defaults.sendRatePerSecond()).toYaml());
                    yield 0;
                }
                case "register-user" -> registerUser(options, flags, out, err);
                case "list-reports" -> listReports(options, out);
                case "create-registration-token" -> createRegistrationToken(options, out);
                case "list-registration-tokens" -> listRegistrationTokens(options, out);
                case "help", "--help", "-h" -> {
                    out.print(USAGE);
                    yield 0;
                }
                default -> {
                    err.println("mxspec-homeserver: unknown command '" + command + "'");
                    err.print(USAGE);
                    yield 2;
                }
            };
        } catch (IllegalArgumentException e) {
            err.println("mxspec-homeserver: " + e.getMessage());
            return 1;
        }
    }

    private static ServerConfig config(Map<String, String> options) {
        return options.containsKey("config") ? ServerConfig.read(Path.of(options.get("config"))) : ServerConfig.defaults();
    }

    private static int serve(ServerConfig config, PrintStream out) throws Exception {
        long start = System.nanoTime();
        Homeserver server = Homeserver.start(config);
        out.printf("mxspec homeserver %s serving on http://%s:%d (%s) after %d ms%n", config.serverName(), config.host(), server.port(),
                config.database(), (System.nanoTime() - start) / 1_000_000);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }

    private static int createRegistrationToken(Map<String, String> options, PrintStream out) throws Exception {
        Optional<Long> uses = number(options, "uses");
        Optional<Long> expires = number(options, "expires-in-ms");
        try (Storage storage = Homeserver.openStorage(config(options))) {
            var made = new RegistrationTokens(storage, System::currentTimeMillis).create(Optional.ofNullable(options.get("token")), uses, expires);
            out.println(made.token());
            return 0;
        }
    }

    private static int listRegistrationTokens(Map<String, String> options, PrintStream out) throws Exception {
        try (Storage storage = Homeserver.openStorage(config(options))) {
            long now = System.currentTimeMillis();
            for (var t : storage.registrationTokens()) {
                out.printf("%s  %s  pending %d, completed %d, allowed %s, expires %s%n", t.token(), t.valid(now) ? "valid" : "invalid",
                        t.pending(), t.completed(), t.usesAllowed().map(String::valueOf).orElse("unlimited"),
                        t.expiryTs().map(e -> java.time.Instant.ofEpochMilli(e).toString()).orElse("never"));
            }
            return 0;
        }
    }

    private static Optional<Long> number(Map<String, String> options, String name) {
        try {
            return Optional.ofNullable(options.get(name)).map(Long::parseLong);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " takes a whole number, not " + options.get(name));
        }
    }

    private static int listReports(Map<String, String> options, PrintStream out) throws Exception {
        long since;
        try {
            since = Long.parseLong(options.getOrDefault("since-ms", "0"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--since-ms takes a time in milliseconds since 1970, not " + options.get("since-ms"));
        }
        try (Storage storage = Homeserver.openStorage(config(options))) {
            List<ReportStore.EventReport> reports = storage.reports(since, Integer.MAX_VALUE);
            for (ReportStore.EventReport r : reports) {
                out.printf("#%d %s %s reported %s in %s%s%s%n", r.reportId(), java.time.Instant.ofEpochMilli(r.receivedTs()), r.reporter(),
                        r.eventId(), r.roomId(), r.score().map(s -> " (score " + s + ")").orElse(""),
                        r.reason().map(reason -> ": " + reason.replaceAll("\\p{Cntrl}", " ")).orElse(""));
            }
            out.println(reports.size() + (reports.size() == 1 ? " report" : " reports"));
            return 0;
        }
    }

    private static int registerUser(Map<String, String> options, List<String> flags, PrintStream out, PrintStream err) throws Exception {
        String user = options.get("user");
        String password = options.get("password");
        if (user == null || password == null) {
            err.print(USAGE);
            return 2;
        }
        ServerConfig config = config(options);
        try (Storage storage = Homeserver.openStorage(config)) {
            AccountService accounts = new AccountService(storage, config.serverName(), System::currentTimeMillis);
            accounts.register(Optional.of(user), password, Optional.empty(), Optional.empty(), true, false, flags.contains("admin"));
            out.println("registered " + dev.mxspec.homeserver.core.Ids.userId(user, config.serverName())
                    + (flags.contains("admin") ? " (admin)" : ""));
            return 0;
        } catch (MatrixException e) {
            err.println("mxspec-homeserver: " + e.error());
            return 1;
        }
    }
}
