package dev.mxspec.homeserver.core;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The rate limits (the {@code rate_limits:} block of the configuration). Each is a token bucket:
 * {@code per_second} tokens flow back each second, up to {@code burst_count}; a limit with
 * {@code per_second: -1} is off. A limit left out keeps its default.
 *
 * @param login login attempts per client address
 * @param loginFailures failed password logins per account, existing or not (a successful login
 *     empties the account's count)
 * @param registration registrations (and user name checks) per client address
 * @param sends events and state events each user may send
 */
public record RateLimits(
        @JsonProperty("login") Limit login,
        @JsonProperty("login_failures") Limit loginFailures,
        @JsonProperty("registration") Limit registration,
        @JsonProperty("sends") Limit sends) {

    public static final Limit DEFAULT_LOGIN = new Limit(2.0, 10.0);
    public static final Limit DEFAULT_LOGIN_FAILURES = new Limit(0.05, 5.0);
    public static final Limit DEFAULT_REGISTRATION = new Limit(2.0, 10.0);
    public static final Limit DEFAULT_SENDS = new Limit(20.0, 100.0);

    /**
     * One limit.
     *
     * @param perSecond tokens given back per second; negative ({@code -1}) switches the limit off
     * @param burstCount the most tokens a key can hold, so the most requests in a burst
     */
    public record Limit(@JsonProperty("per_second") Double perSecond, @JsonProperty("burst_count") Double burstCount) {

        /** A limit that is off. */
        public static Limit off() {
            return new Limit(-1.0, 0.0);
        }

        /** Whether this limit is switched off. */
        public boolean isOff() {
            return perSecond != null && perSecond < 0;
        }

        /** This limit with what it leaves out taken from {@code defaults}, checked; {@code name} for messages. */
        Limit over(Limit defaults, String name) {
            if (isOff()) {
                return off();
            }
            double rate = perSecond == null ? defaults.perSecond() : perSecond;
            double burst = burstCount == null ? defaults.burstCount() : burstCount;
            if (rate == 0 || Double.isNaN(rate)) {
                throw new IllegalArgumentException("rate_limits." + name + ".per_second must be positive, or -1 to switch the limit off");
            }
            if (burst < 1 || Double.isNaN(burst)) {
                throw new IllegalArgumentException("rate_limits." + name + ".burst_count must be at least 1, not " + burst);
            }
            return new Limit(rate, burst);
        }
    }

    /** Every limit given, with what this one leaves out taken from the defaults ({@code sends} from {@code sendsFallback}). */
    RateLimits resolve(Limit sendsFallback) {
        return new RateLimits(
                (login == null ? DEFAULT_LOGIN : login).over(DEFAULT_LOGIN, "login"),
                (loginFailures == null ? DEFAULT_LOGIN_FAILURES : loginFailures).over(DEFAULT_LOGIN_FAILURES, "login_failures"),
                (registration == null ? DEFAULT_REGISTRATION : registration).over(DEFAULT_REGISTRATION, "registration"),
                (sends == null ? sendsFallback : sends).over(DEFAULT_SENDS, "sends"));
    }

    /** The default limits. */
    public static RateLimits defaults() {
        return new RateLimits(null, null, null, null).resolve(DEFAULT_SENDS);
    }

    /** Every limit off: for test suites that register and log in many users at once. */
    public static RateLimits none() {
        return new RateLimits(Limit.off(), Limit.off(), Limit.off(), Limit.off());
    }

    public RateLimits withLogin(Limit limit) {
        return new RateLimits(limit, loginFailures, registration, sends);
    }

    public RateLimits withLoginFailures(Limit limit) {
        return new RateLimits(login, limit, registration, sends);
    }

    public RateLimits withRegistration(Limit limit) {
        return new RateLimits(login, loginFailures, limit, sends);
    }

    public RateLimits withSends(Limit limit) {
        return new RateLimits(login, loginFailures, registration, limit);
    }

    /** The commented YAML block, indented under {@code rate_limits:}. */
    String toYaml() {
        return """
                # Rate limits: per_second tokens flow back each second up to burst_count; per_second: -1 switches one off.
                rate_limits:
                  # Login attempts per client address.
                  login: %s
                  # Failed password logins per account (existing or not); a successful login clears them.
                  login_failures: %s
                  # Registrations per client address.
                  registration: %s
                  # Events each user may send.
                  sends: %s
                """.formatted(yaml(login), yaml(loginFailures), yaml(registration), yaml(sends));
    }

    private static String yaml(Limit limit) {
        return limit.isOff() ? "{per_second: -1}" : "{per_second: " + number(limit.perSecond()) + ", burst_count: " + number(limit.burstCount()) + "}";
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
