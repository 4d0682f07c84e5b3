package dev.mxspec.homeserver.http;

import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request: method, path and query with every secret parameter's value replaced,
 * status, time in milliseconds. Written to the logger {@code dev.mxspec.homeserver.requests} (the
 * server's SLF4J setup). Bodies and headers are never logged, so neither are passwords or tokens
 * sent in them.
 */
public final class RequestLog {

    /** Query parameters whose values are secrets. */
    private static final Set<String> SECRET_PARAMETERS = Set.of("access_token", "refresh_token", "token", "login_token",
            "client_secret", "password", "sid");

    private final Consumer<String> sink;

    public RequestLog(Consumer<String> sink) {
        this.sink = sink;
    }

    /** A request log writing to the logger {@code dev.mxspec.homeserver.requests} at INFO. */
    public static RequestLog toLogger() {
        Logger logger = LoggerFactory.getLogger("dev.mxspec.homeserver.requests");
        return new RequestLog(logger::info);
    }

    /** Logs a finished request; {@code beginNanos} from {@link System#nanoTime()} when its headers were read. */
    void log(String method, String path, String rawQuery, int status, long beginNanos) {
        long micros = (System.nanoTime() - beginNanos) / 1000;
        sink.accept(line(method, path, rawQuery, status, micros));
    }

    static String line(String method, String path, String rawQuery, int status, long micros) {
        StringBuilder line = new StringBuilder(96).append(method).append(' ').append(path);
        if (rawQuery != null && !rawQuery.isEmpty()) {
            line.append('?').append(redact(rawQuery));
        }
        return line.append(' ').append(status).append(' ').append(String.format(Locale.ROOT, "%.1f", micros / 1000.0)).append(" ms")
                .toString();
    }

    /** The raw query with the value of every secret parameter replaced by {@code <redacted>}. */
    static String redact(String rawQuery) {
        StringBuilder out = new StringBuilder(rawQuery.length());
        for (String pair : rawQuery.split("&", -1)) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (eq >= 0 && SECRET_PARAMETERS.contains(decodedName(name))) {
                out.append(name).append("=<redacted>");
            } else {
                out.append(pair);
            }
        }
        return out.toString();
    }

    /** A parameter name as the router reads it ({@code access%5Ftoken} is {@code access_token}); undecodable stays raw. */
    private static String decodedName(String name) {
        if (name.indexOf('%') < 0 && name.indexOf('+') < 0) {
            return name.toLowerCase(Locale.ROOT);
        }
        try {
            return java.net.URLDecoder.decode(name, java.nio.charset.StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return name;
        }
    }
}
