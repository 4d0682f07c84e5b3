package dev.mxspec.homeserver.core;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The metrics listener (the {@code metrics:} block of the configuration): {@code GET /metrics} in the Prometheus text
 * format on a port of its own, off unless a port is given. It listens on loopback unless told otherwise: the counters
 * say which servers send what, which is nobody else's business.
 *
 * @param port the port of the metrics listener (plain HTTP), 0 for none
 * @param host the address it listens on, {@code 127.0.0.1} by default
 */
public record MetricsSettings(@JsonProperty("port") int port, @JsonProperty("host") String host) {

    public MetricsSettings {
        host = host == null ? "127.0.0.1" : host;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("metrics.port must be between 1 and 65535, not " + port);
        }
    }

    /** No metrics listener (the counters are kept all the same). */
    public static MetricsSettings defaults() {
        return new MetricsSettings(0, null);
    }

    /** Whether the metrics listener runs. */
    public boolean enabled() {
        return port != 0;
    }

    String toYaml() {
        return """
                # Prometheus metrics (GET /metrics, plain HTTP) on a port of their own; off without a port.
                metrics:
                  # port: 9000
                  host: %s
                """.formatted(host);
    }
}
