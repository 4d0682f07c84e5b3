package dev.mxspec.homeserver.core;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The wake-up of a worker thread that sleeps until there is news (federation's destination queues, application service
 * queues): {@link #wake} from any thread ends the current or the next {@link #await}; {@link #close} ends it for good,
 * and so does an interrupt of the waiting thread.
 */
public final class Wakeup {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean signalled;
    private volatile boolean closed;

    /** There is news: the worker looks again. */
    public void wake() {
        lock.lock();
        try {
            signalled = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The worker stops: every wait ends now and from now on. */
    public void close() {
        closed = true;
        wake();
    }

    public boolean closed() {
        return closed;
    }

    /** Waits for a {@link #wake} or {@code ms}, whichever comes first (at once after {@link #close}). */
    public void await(long ms) {
        lock.lock();
        try {
            long left = TimeUnit.MILLISECONDS.toNanos(Math.min(ms, TimeUnit.DAYS.toMillis(1)));
            while (!signalled && !closed && left > 0) {
                left = changed.awaitNanos(left);
            }
            signalled = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            lock.unlock();
        }
    }
}
