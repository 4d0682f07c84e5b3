package dev.mxspec.homeserver.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnpaddedBase64Test {

    @Test
    void encodesTheAppendixExamplesWithoutPadding() {
        List<String> encoded = List.of("", "f", "fo", "foo", "foob", "fooba", "foobar").stream()
                .map(s -> UnpaddedBase64.encode(s.getBytes(StandardCharsets.UTF_8)))
                .toList();

        assertThat(encoded).containsExactly("", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy");
    }

    @Test
    void decodesWithAndWithoutPadding() {
        assertThat(new String(UnpaddedBase64.decode("Zm9vYmE"), StandardCharsets.UTF_8)).isEqualTo("fooba");
        assertThat(new String(UnpaddedBase64.decode("Zm9vYmE="), StandardCharsets.UTF_8)).isEqualTo("fooba");
    }

    @Test
    void urlSafeEncodingUsesDashAndUnderscore() {
        byte[] bytes = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf};

        assertThat(UnpaddedBase64.encode(bytes)).isEqualTo("+/+/");
        assertThat(UnpaddedBase64.encodeUrlSafe(bytes)).isEqualTo("-_-_");
        assertThat(UnpaddedBase64.decode("-_-_")).isEqualTo(bytes);
    }

    @Test
    void refusesTextThatIsNotBase64() {
        assertThat(UnpaddedBase64.tryDecode("not base64!")).isEmpty();
        assertThatThrownBy(() -> UnpaddedBase64.decode("a"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
