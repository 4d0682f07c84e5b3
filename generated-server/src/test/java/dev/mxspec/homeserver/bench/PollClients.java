package dev.mxspec.homeserver.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The clients of the long-poll benchmark, in a process of their own (so that the server's process
 * holds only its own sockets): opens {@code count} connections, each waiting in one
 * {@code /sync}; prints {@code waiting <n>} once every request is written, then
 * {@code answered <n>} once every one has its response.
 * Arguments: port, access token, since token, count.
 */
public final class PollClients {

    private PollClients() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String token = args[1];
        String since = args[2];
        int count = Integer.parseInt(args[3]);
        CountDownLatch written = new CountDownLatch(count);
        CountDownLatch answered = new CountDownLatch(count);
        AtomicInteger failures = new AtomicInteger();
        List<RawClient> clients = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < count; i++) {
                RawClient client = new RawClient("127.0.0.1", port, token);
                clients.add(client);
                threads.submit(() -> {
                    try {
                        client.requestSync(since, 300_000);
                        written.countDown();
                        client.syncResponse();
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        written.countDown();
                    }
                    answered.countDown();
                    return null;
                });
                if (i % 500 == 499) {
                    Thread.sleep(50); // within the listen backlog
                }
            }
            written.await();
            System.out.println("waiting " + (count - failures.get()));
            System.out.flush();
            answered.await();
            System.out.println("answered " + (count - failures.get()));
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine(); // until told to stop
        }
        for (RawClient c : clients) {
            c.close();
        }
    }
}
