package dev.mxspec.homeserver.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mxspec.runtime.json.CanonicalJson;
import org.junit.jupiter.api.Test;

class JsonSigningTest {

    private static final SigningKey KEY = SigningKeyTest.specKey();
    private static final ServerKeys KEYS = ServerKeys.of("domain", KEY.verifyKey());

    private static ObjectNode json(String text) {
        return (ObjectNode) CanonicalJson.parse(text.replace('\'', '"'));
    }

    @Test
    void signsTheEmptyObjectAsTheAppendixShows() {
        ObjectNode signed = JsonSigning.sign(json("{}"), "domain", KEY);

        assertThat(signed).isEqualTo(json("{'signatures': {'domain': {'ed25519:1': "
                + "'K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ'}}}"));
    }

    @Test
    void signsAnObjectWithDataAsTheAppendixShows() {
        ObjectNode signed = JsonSigning.sign(json("{'one': 1, 'two': 'Two'}"), "domain", KEY);

        assertThat(signed).isEqualTo(json("{'one': 1, 'two': 'Two', 'signatures': {'domain': {'ed25519:1': "
                + "'KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw'}}}"));
    }

    @Test
    void keepsUnsignedAndOtherSignaturesOutOfTheSignature() {
        ObjectNode signed = JsonSigning.sign(json("{'one': 1, 'two': 'Two', 'unsigned': {'age_ts': 5},"
                + " 'signatures': {'other': {'ed25519:x': 'abc'}}}"), "domain", KEY);

        assertThat(signed).isEqualTo(json("{'one': 1, 'two': 'Two', 'unsigned': {'age_ts': 5}, 'signatures': {"
                + "'other': {'ed25519:x': 'abc'}, 'domain': {'ed25519:1': "
                + "'KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw'}}}"));
    }

    @Test
    void aSignedObjectVerifies() {
        ObjectNode signed = JsonSigning.sign(json("{'one': 1}"), "domain", KEY);

        assertThat(JsonSigning.verify(signed, "domain", KEYS)).isEqualTo(Verification.verified());
    }

    @Test
    void aChangedValueFailsVerification() {
        ObjectNode signed = JsonSigning.sign(json("{'one': 1}"), "domain", KEY);
        signed.put("one", 2);

        assertThat(JsonSigning.verify(signed, "domain", KEYS))
                .isEqualTo(Verification.failed("signature ed25519:1 of domain does not match"));
    }

    @Test
    void aMissingSignerFailsVerification() {
        ObjectNode signed = JsonSigning.sign(json("{'one': 1}"), "domain", KEY);

        assertThat(JsonSigning.verify(signed, "elsewhere", KEYS))
                .isEqualTo(Verification.failed("no signature from elsewhere"));
    }

    @Test
    void anUnknownKeyFailsVerification() {
        ObjectNode signed = JsonSigning.sign(json("{'one': 1}"), "domain", KEY);

        assertThat(JsonSigning.verify(signed, "domain", ServerKeys.none()))
                .isEqualTo(Verification.failed("no known verification key of domain among [ed25519:1]"));
    }

    @Test
    void signaturesOfUnknownAlgorithmsAreIgnored() {
        ObjectNode signed = json("{'one': 1, 'signatures': {'domain': {'curve448:1': 'abc'}}}");

        assertThat(JsonSigning.verify(signed, "domain", KEYS))
                .isEqualTo(Verification.failed("no ed25519 signature from domain"));
    }
}
