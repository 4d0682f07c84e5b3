package dev.mxspec.homeserver.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.mxspec.homeserver.storage.Backends;
import dev.mxspec.homeserver.storage.Storage;
import dev.mxspec.runtime.api.MatrixException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A password login does one Argon2 verification whatever the account: existing, unknown or
 * deactivated (whose password is gone), right or wrong password. So the time of the answer does
 * not tell whether a user exists or was deactivated.
 */
class PasswordLoginTest {

    @TempDir
    Path dir;

    private static String failure(Runnable login) {
        MatrixException e = catchThrowableOfType(MatrixException.class, login::run);
        return e == null ? "logged in" : e.status() + " " + e.errcode() + " " + e.error();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void everyPasswordLoginDoesExactlyOneArgon2Verification(String backend) throws Exception {
        try (Storage storage = Backends.open(backend, dir)) {
            AccountService accounts = new AccountService(storage, "localhost", System::currentTimeMillis);
            accounts.register(Optional.of("ann"), "correct horse battery", Optional.empty(), Optional.empty(), true, false, false);
            accounts.register(Optional.of("gone"), "correct horse battery", Optional.empty(), Optional.empty(), true, false, false);
            accounts.deactivate("@gone:localhost");
            List<Runnable> logins = List.of(
                    () -> accounts.loginWithPassword("ann", "wrong password", Optional.empty(), Optional.empty(), false),
                    () -> accounts.loginWithPassword("nobody", "wrong password", Optional.empty(), Optional.empty(), false),
                    () -> accounts.loginWithPassword("@nobody:localhost", "correct horse battery", Optional.empty(), Optional.empty(), false),
                    () -> accounts.loginWithPassword("gone", "wrong password", Optional.empty(), Optional.empty(), false),
                    () -> accounts.loginWithPassword("gone", "correct horse battery", Optional.empty(), Optional.empty(), false),
                    () -> accounts.loginWithPassword("ann", "correct horse battery", Optional.empty(), Optional.empty(), false));

            long before = accounts.passwordVerifications();
            List<String> answers = new java.util.ArrayList<>();
            List<Long> verifications = new java.util.ArrayList<>();
            for (Runnable login : logins) {
                long start = accounts.passwordVerifications();
                answers.add(failure(login));
                verifications.add(accounts.passwordVerifications() - start);
            }

            assertThat(answers).containsExactly("403 M_FORBIDDEN invalid user name or password", "403 M_FORBIDDEN invalid user name or password",
                    "403 M_FORBIDDEN invalid user name or password", "403 M_FORBIDDEN invalid user name or password",
                    "403 M_FORBIDDEN invalid user name or password", "logged in");
            assertThat(verifications).containsExactly(1L, 1L, 1L, 1L, 1L, 1L);
            assertThat(accounts.passwordVerifications() - before).isEqualTo(6);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void wrongPasswordsInUserInteractiveAuthenticationCountAgainstTheAccountLikeFailedLogins(String backend) throws Exception {
        try (Storage storage = Backends.open(backend, dir)) {
            AccountService accounts = new AccountService(storage, "localhost", System::currentTimeMillis, 60_000, userId -> { },
                    new RateLimiter(0.001, 2, System::currentTimeMillis));
            accounts.register(Optional.of("ann"), "correct horse battery", Optional.empty(), Optional.empty(), true, false, false);

            List<String> answers = List.of(
                    failure(() -> accounts.checkPassword("@ann:localhost", "guess1")),
                    failure(() -> accounts.checkPassword("@ann:localhost", "correct horse battery")),
                    failure(() -> accounts.checkPassword("@ann:localhost", "guess2")),
                    failure(() -> accounts.checkPassword("@ann:localhost", "guess3")),
                    failure(() -> accounts.checkPassword("@ann:localhost", "correct horse battery")),
                    failure(() -> accounts.loginWithPassword("ann", "correct horse battery", Optional.empty(), Optional.empty(), false)));

            assertThat(answers).containsExactly("403 M_FORBIDDEN invalid user name or password", "logged in",
                    "403 M_FORBIDDEN invalid user name or password", "403 M_FORBIDDEN invalid user name or password",
                    "429 M_LIMIT_EXCEEDED too many requests", "429 M_LIMIT_EXCEEDED too many requests");
        }
    }
}
