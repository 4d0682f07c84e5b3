package dev.mxspec.homeserver.services;

import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Wakes long-polling {@code /sync} requests. A request takes its user's signal before looking for
 * news, so that news written while it looks wakes it; {@link #wake} completes and replaces the
 * signal.
 */
public final class Notifier {

    private final ConcurrentHashMap<String, CompletableFuture<Void>> signals = new ConcurrentHashMap<>();

    /** The signal to wait on after finding nothing new. */
    public CompletableFuture<Void> signal(String userId) {
        return signals.computeIfAbsent(userId, u -> new CompletableFuture<>());
    }

    public void wake(Collection<String> userIds) {
        for (String userId : userIds) {
            CompletableFuture<Void> f = signals.remove(userId);
            if (f != null) {
                f.complete(null);
            }
        }
    }

    /** Waits for the signal or the timeout; true when woken. */
    public static boolean await(CompletableFuture<Void> signal, long timeoutMs) {
        try {
            signal.get(timeoutMs, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return true;
        }
    }
}
