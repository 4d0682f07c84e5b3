package dev.mxspec.homeserver.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mxspec.homeserver.core.RateLimits;
import dev.mxspec.runtime.api.MatrixException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets on a clock the test moves. */
class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000);

    private long retryAfter(Runnable call) {
        try {
            call.run();
        } catch (MatrixException e) {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.errcode()).isEqualTo("M_LIMIT_EXCEEDED");
            return e.retryAfterMs().orElseThrow();
        }
        return 0;
    }

    @Test
    void aBurstIsAllowedThenTheNextWaitsForOneTokenToFlowBack() {
        RateLimiter limiter = new RateLimiter(2, 3, now::get);
        limiter.take("a");
        limiter.take("a");
        limiter.take("a");

        assertThat(retryAfter(() -> limiter.take("a"))).isEqualTo(500);
        limiter.take("b"); // another key has its own bucket
        now.addAndGet(500);
        limiter.take("a");
        assertThat(retryAfter(() -> limiter.take("a"))).isEqualTo(500);
    }

    @Test
    void failuresCountedWithRecordLockAKeyUntilTheyDecayAndResetClearsThem() {
        RateLimiter failures = new RateLimiter(0.5, 3, now::get);
        failures.check("@ann:x");
        failures.record("@ann:x");
        failures.record("@ann:x");
        failures.check("@ann:x");
        failures.record("@ann:x");

        assertThat(retryAfter(() -> failures.check("@ann:x"))).isEqualTo(2000);
        assertThat(retryAfter(() -> failures.check("@ann:x"))).as("checking takes nothing").isEqualTo(2000);
        failures.check("@bob:x");
        now.addAndGet(1500);
        assertThat(retryAfter(() -> failures.check("@ann:x"))).isEqualTo(500);
        now.addAndGet(500);
        failures.check("@ann:x");
        failures.record("@ann:x");
        assertThat(retryAfter(() -> failures.check("@ann:x"))).isEqualTo(2000);
        failures.reset("@ann:x");
        failures.check("@ann:x");
    }

    @Test
    void aLimiterByKeyPrefixSendsEachKindToItsOwnLimitAndLeavesOthersUnlimited() {
        RateLimiter limiter = RateLimiter.byKeyPrefix(Map.of(
                "login", new RateLimiter(1, 1, now::get),
                "register", RateLimiter.of(RateLimits.Limit.off(), now::get)));
        limiter.take("login:10.0.0.1");
        assertThatThrownBy(() -> limiter.take("login:10.0.0.1")).isInstanceOf(MatrixException.class);
        limiter.take("login:10.0.0.2");
        for (int i = 0; i < 100; i++) {
            limiter.take("register:10.0.0.1");
            limiter.take("other:10.0.0.1");
        }
    }

    @Test
    void anOffLimitNeverLimits() {
        RateLimiter off = RateLimiter.of(RateLimits.Limit.off(), now::get);
        for (int i = 0; i < 1000; i++) {
            off.take("a");
            off.record("a");
        }
        off.check("a");
    }
}
