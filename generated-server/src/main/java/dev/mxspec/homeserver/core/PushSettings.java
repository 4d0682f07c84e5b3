package dev.mxspec.homeserver.core;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Notifications and pushers (the {@code push:} block of the configuration).
 *
 * @param evaluate whether new events are evaluated against the members' push rules (notification
 *     counts, {@code /notifications} and pushes); off, counts stay 0 and nothing is pushed
 * @param allowPrivateGateways whether pushers may name push gateways on loopback, private, link-local
 *     or other non-public addresses; off by default, so that a user cannot make the server send
 *     requests into its own network
 */
public record PushSettings(
        @JsonProperty("evaluate") Boolean evaluate,
        @JsonProperty("allow_private_gateways") boolean allowPrivateGateways) {

    public PushSettings {
        evaluate = evaluate == null || evaluate;
    }

    public static PushSettings defaults() {
        return new PushSettings(true, false);
    }

    String toYaml() {
        return """
                # Notifications and pushers.
                push:
                  # Evaluate every new event against the members' push rules (unread counts, /notifications, pushes).
                  evaluate: %s
                  # Let pushers use push gateways on loopback and private addresses (off: refused, against requests into this network).
                  allow_private_gateways: %s
                """.formatted(evaluate, allowPrivateGateways);
    }
}
