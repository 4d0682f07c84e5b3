package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * matrix-nio with olm (Debian's python3-matrix-nio and python3-olm, installed by {@code interop/install-clients.sh})
 * holds an encrypted conversation between a user of one server and a user of another: keys uploaded, queried and
 * claimed across servers, the room key shared by to-device messages, each side decrypting the other's message.
 */
class NioEncryptionInteropTest extends TwoFederatingServers {

    private static final Path INTEROP = Path.of("..", "interop").toAbsolutePath().normalize();

    @BeforeAll
    static void installClients() throws Exception {
        List<String> out = run(INTEROP, 5, "bash", INTEROP.resolve("install-clients.sh").toString());
        assertThat(out).isNotNull();
    }

    @Test
    void niosOfTwoServersTalkEncrypted() throws Exception {
        a = start("sqlite", "a");
        b = start("sqlite", "b");
        List<String> steps = run(INTEROP, 3, "/usr/bin/python3", "nio_e2e_scenario.py", "http://127.0.0.1:" + a.port(),
                "http://127.0.0.1:" + b.port(), Files.createDirectories(dir.resolve("nio")).toString()).stream()
                .filter(l -> l.startsWith("ok: ") || l.startsWith("FAILED: ")).map(l -> l.replaceAll(" \\(.*|: \\[.*", "")).toList();

        assertThat(steps).containsExactly("ok: alice registers on A", "ok: bob registers on B", "ok: both upload their device keys",
                "ok: alice creates an encrypted room", "ok: alice invites bob of the other server", "ok: bob sees the invite",
                "ok: bob joins", "ok: alice sees bob in the room", "ok: alice lists the room's members",
                "ok: alice's query of bob's keys, through her server, finds his device", "ok: alice sends an encrypted message",
                "ok: bob decrypts it", "ok: bob's query of alice's keys finds her device", "ok: bob replies encrypted",
                "ok: alice decrypts the reply");
    }

    /** Runs a command that must succeed within {@code minutes}: its output's lines. */
    private static List<String> run(Path workDir, int minutes, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        byte[] output = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(minutes, TimeUnit.MINUTES)).isTrue();
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text.lines().toList();
    }
}
