package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mxspec.homeserver.main.InteropTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real clients on two federating servers: matrix-js-sdk with its Rust crypto holds an encrypted conversation between
 * alice of one server and bob of the other ({@code interop/js/encrypted_chat.mjs}): the invite, the join, device
 * keys queried and one-time keys claimed across servers, the room keys sent as to-device messages between them, and
 * each message decrypted by the other's client; then alice's cross-signing keys, set up and reset by her client, and
 * her device signed by them, followed by bob's client on the other server.
 */
class FederatedInteropTest extends TwoFederatingServers {

    @BeforeAll
    static void installClients() throws Exception {
        InteropTest.installClients();
    }

    @Test
    void matrixJsSdkUsersOfTwoServersHoldAnEncryptedConversation() throws Exception {
        a = start("sqlite", "a");
        b = start("sqlite", "b");
        List<String> steps = InteropTest.run(InteropTest.INTEROP.resolve("js"), "node", "encrypted_chat.mjs",
                "http://127.0.0.1:" + a.port(), "http://127.0.0.1:" + b.port());

        List<String> expected = new ArrayList<>(InteropTest.ENCRYPTED_CHAT_STEPS);
        expected.set(1, "ok: bob logs in with Rust crypto on the other server");
        assertThat(steps).containsExactlyElementsOf(expected);
    }
}
