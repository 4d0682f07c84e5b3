package dev.mxspec.client.sdk;

import dev.mxspec.runtime.api.MatrixException;
import dev.mxspec.spec.v1_7.clientserver.ClientEventWithoutRoomID;
import dev.mxspec.spec.v1_7.clientserver.SyncResponse;
import dev.mxspec.spec.v1_7.clientserver.client.ClientServerClient;
import dev.mxspec.spec.v1_7.clientserver.endpoints.Sync;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** Long-polls {@code /sync} and hands each new timeline event to the listeners. */
public final class SyncLoop {

    /** Receives events as they arrive. */
    @FunctionalInterface
    public interface Listener {
        void onEvent(String roomId, ClientEventWithoutRoomID event);
    }

    private final ClientServerClient api;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile Optional<String> since = Optional.empty();
    private volatile boolean running;

    SyncLoop(ClientServerClient api) {
        this.api = api;
    }

    public SyncLoop listen(Listener listener) {
        listeners.add(listener);
        return this;
    }

    /** Syncs once without delivering, so that only what arrives afterwards is delivered. */
    public SyncLoop skipHistory() {
        since = Optional.of(api.sync(new Sync.Request(Optional.of("{\"room\":{\"timeline\":{\"limit\":1}}}"), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty())).nextBatch());
        return this;
    }

    /** Runs until {@link #stop}; network errors are retried after a pause. */
    public void run(long pollMs) {
        running = true;
        while (running) {
            try {
                once(pollMs);
            } catch (MatrixException e) {
                if (e.status() == 401) {
                    throw e;
                }
                pause();
            } catch (RuntimeException e) {
                pause();
            }
        }
    }

    public void once(long pollMs) {
        SyncResponse r = api.sync(new Sync.Request(Optional.empty(), since, Optional.empty(), Optional.empty(), Optional.of(pollMs)));
        since = Optional.of(r.nextBatch());
        for (Map.Entry<String, dev.mxspec.spec.v1_7.clientserver.JoinedRoom> room : r.rooms().flatMap(x -> x.join()).orElse(Map.of()).entrySet()) {
            room.getValue().timeline().ifPresent(t -> t.events().forEach(e -> listeners.forEach(l -> l.onEvent(room.getKey(), e))));
        }
    }

    public void stop() {
        running = false;
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
