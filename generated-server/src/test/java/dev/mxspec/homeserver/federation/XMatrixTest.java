package dev.mxspec.homeserver.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class XMatrixTest {

    @Test
    void readsTheHeaderThisServerWrites() {
        XMatrix header = new XMatrix("a.example:8448", Optional.of("b.example"), "ed25519:a", "c2ln");
        assertThat(XMatrix.parse(header.header())).hasValue(header);
    }

    @Test
    void readsBareValuesWithColonsAnyNameCaseEscapesAndUnknownParameters() {
        assertThat(XMatrix.parse("X-Matrix ORIGIN=a.example:8448, Key=\"ed25519:a\",sig=\"c\\\"2ln\",future=\"x\""))
                .hasValue(new XMatrix("a.example:8448", Optional.empty(), "ed25519:a", "c\"2ln"));
        assertThat(XMatrix.parse("x-matrix origin=a,destination=b,key=ed25519:a,sig=abc"))
                .hasValue(new XMatrix("a", Optional.of("b"), "ed25519:a", "abc"));
    }

    @Test
    void refusesWhatIsNotACompleteXMatrixHeader() {
        assertThat(XMatrix.parse(null)).isEmpty();
        assertThat(XMatrix.parse("Bearer abc")).isEmpty();
        assertThat(XMatrix.parse("X-Matrix")).isEmpty();
        assertThat(XMatrix.parse("X-Matrixorigin=a,key=ed25519:a,sig=abc")).isEmpty();
        assertThat(XMatrix.parse("X-Matrix origin=a,key=ed25519:a")).isEmpty();
        assertThat(XMatrix.parse("X-Matrix origin=\"a,key=ed25519:a,sig=abc")).isEmpty();
        assertThat(XMatrix.parse("X-Matrix origin=a,origin=b,key=ed25519:a,sig=abc")).isEmpty();
        assertThat(XMatrix.parse("X-Matrix origin=a;key=ed25519:a;sig=abc")).isEmpty();
        assertThat(XMatrix.parse("X-Matrix origin=,key=ed25519:a,sig=abc")).isEmpty();
    }
}
