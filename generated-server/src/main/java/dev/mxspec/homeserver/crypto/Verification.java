package dev.mxspec.homeserver.crypto;

/** The outcome of checking signatures: verified, or failed with a reason fit for a log line. */
public sealed interface Verification {

    /** Every required signature is present and valid. */
    record Verified() implements Verification {}

    /** A required signature is missing, unknown or wrong. */
    record Failed(String reason) implements Verification {}

    static Verification verified() {
        return new Verified();
    }

    static Verification failed(String reason) {
        return new Failed(reason);
    }

    default boolean isVerified() {
        return this instanceof Verified;
    }
}
