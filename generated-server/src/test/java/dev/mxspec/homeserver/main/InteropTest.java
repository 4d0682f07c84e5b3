package dev.mxspec.homeserver.main;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.core.ServerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients written by others drive the homeserver through an everyday chat: matrix-nio
 * (Debian's python3-matrix-nio) and matrix-js-sdk (npm; with its thread support on, also threads,
 * edits and unread counts; with its Rust crypto, an encrypted conversation and a key backup that a new
 * login restores). {@code interop/install-clients.sh} installs them.
 */
public class InteropTest {

    public static final Path INTEROP = Path.of("..", "interop").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @BeforeAll
    public static void installClients() throws Exception {
        Process p = new ProcessBuilder("bash", INTEROP.resolve("install-clients.sh").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as("installing the interop clients:\n" + out).isZero();
    }

    private Homeserver start() throws Exception {
        return Homeserver.start(new ServerConfig("localhost", "127.0.0.1", -1, dir.resolve("data").toString(), "sqlite",
                Optional.empty(), true, 0, 0));
    }

    /** {@code command} run in {@code workDir}: its {@code ok:} and {@code FAILED:} lines, once it exited 0. */
    public static List<String> run(Path workDir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text.lines().filter(l -> l.startsWith("ok: ") || l.startsWith("FAILED: ")).map(l -> l.replaceAll(" \\(.*", "")).toList();
    }

    @Test
    void matrixNioChats() throws Exception {
        try (Homeserver server = start()) {
            List<String> steps = run(INTEROP, "/usr/bin/python3", "nio_scenario.py", "http://127.0.0.1:" + server.port());

            assertThat(steps).containsExactly("ok: alice registers", "ok: bob registers", "ok: alice logs in", "ok: alice creates a room",
                    "ok: alice invites bob", "ok: bob sees the invite in sync", "ok: bob joins", "ok: alice sends a message",
                    "ok: bob reads it through sync: ['hello from nio']", "ok: bob marks it read");
        }
    }

    @Test
    void matrixJsSdkChats() throws Exception {
        try (Homeserver server = start()) {
            List<String> steps = run(INTEROP.resolve("js"), "node", "scenario.mjs", "http://127.0.0.1:" + server.port());

            assertThat(steps).containsExactly("ok: alice registers", "ok: bob registers", "ok: alice logs in", "ok: alice creates a room",
                    "ok: alice invites bob", "ok: bob's client sees the invite", "ok: bob joins", "ok: bob's client receives the message live",
                    "ok: bob sends a read receipt", "ok: alice starts a thread, bob replies in it, alice edits its root",
                    "ok: carol joins later and lists the room's threads", "ok: the thread root carries its bundled m.thread summary",
                    "ok: carol's client counts two replies, the latest bob's",
                    "ok: carol's client shows the root edited, from m.replace in unsigned.m.relations",
                    "ok: bob's own messages leave nothing unread", "ok: a mention raises bob's room counts, total and highlight",
                    "ok: bob's receipt brings them back to zero",
                    "ok: a mention in the thread counts in the thread, and in the room's total",
                    "ok: bob's threaded receipt clears the thread");
        }
    }

    @Test
    void matrixJsSdkWithRustCryptoHoldsAnEncryptedConversation() throws Exception {
        try (Homeserver server = start()) {
            List<String> steps = run(INTEROP.resolve("js"), "node", "encrypted_chat.mjs", "http://127.0.0.1:" + server.port());

            assertThat(steps).containsExactlyElementsOf(ENCRYPTED_CHAT_STEPS);
        }
    }

    @Test
    void matrixJsSdkBrowsesASpaceAndFollowsARoomUpgrade() throws Exception {
        try (Homeserver server = start()) {
            List<String> steps = run(INTEROP.resolve("js"), "node", "spaces_upgrade.mjs", "http://127.0.0.1:" + server.port());

            assertThat(steps).containsExactly("ok: bob's client browses the space's hierarchy and finds its room",
                    "ok: bob joins the room from the space", "ok: alice upgrades the room to version 10",
                    "ok: bob's client sees the tombstone naming the replacement",
                    "ok: bob follows it: the replacement names the old room as its predecessor",
                    "ok: the client puts the two rooms in one history", "ok: the name came along", "ok: they talk on in the new room",
                    "ok: bob's client searches and finds the message");
        }
    }

    @Test
    void matrixJsSdkWithRustCryptoRestoresAKeyBackupOnANewLogin() throws Exception {
        try (Homeserver server = start()) {
            List<String> steps = run(INTEROP.resolve("js"), "node", "key_backup.mjs", "http://127.0.0.1:" + server.port());

            assertThat(steps).containsExactly("ok: alice and bob log in with Rust crypto", "ok: bob joins alice's encrypted room",
                    "ok: alice's client makes a key backup version and backs up to it", "ok: bob's client decrypts alice's message",
                    "ok: alice's client decrypts bob's answer", "ok: both room keys reach the backup, encrypted to the backup's key",
                    "ok: the backup counts its keys and has a new etag", "ok: alice notes her recovery key",
                    "ok: alice logs in again, on a new device", "ok: the new login holds the history, undecryptable",
                    "ok: with the recovery key it restores the backup", "ok: the new login decrypts alice's own message",
                    "ok: the new login decrypts bob's message");
        }
    }

    /** The steps of {@code interop/js/encrypted_chat.mjs} (bob's second step names the other server when there is one). */
    public static final List<String> ENCRYPTED_CHAT_STEPS = List.of("ok: alice logs in with Rust crypto", "ok: bob logs in with Rust crypto",
            "ok: alice creates an encrypted room and invites bob", "ok: bob's client sees the invite",
            "ok: bob joins; alice's client sees him", "ok: bob's client knows the room is encrypted",
            "ok: alice's client finds bob's device keys", "ok: the server holds only ciphertext",
            "ok: bob's client decrypts alice's message", "ok: it came encrypted, from alice", "ok: alice's client decrypts bob's answer",
            "ok: alice bootstraps cross-signing without her password", "ok: bob's client finds alice's cross-signing keys",
            "ok: bob's client sees alice's device signed by her self-signing key",
            "ok: resetting her cross-signing keys takes alice's password", "ok: bob's client notices alice's new identity");
}
