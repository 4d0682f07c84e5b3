package dev.mxspec.homeserver.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Passwords hashed with Argon2id (BouncyCastle, pure Java), stored in the PHC string format; tokens
 * stored as SHA-256 hashes so that the database never holds a usable token.
 */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** OWASP's minimum for Argon2id: 19 MiB, 2 iterations, 1 lane. */
    private static final int MEMORY_KIB = 19 * 1024;
    private static final int ITERATIONS = 2;
    private static final int LANES = 1;

    private Secrets() {}

    /**
     * A password as it is hashed and compared: in Unicode normalization form NFKC, as Synapse
     * normalizes passwords at registration, login and password change, so that the same password
     * typed on keyboards that compose characters differently is the same.
     */
    public static String normalized(String password) {
        return Normalizer.normalize(password, Normalizer.Form.NFKC);
    }

    public static String hashPassword(String password) {
        password = normalized(password);
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] hash = argon2(password, salt, MEMORY_KIB, ITERATIONS, LANES);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + LANES + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(hash);
    }

    /** Whether {@code password}, normalized ({@link #normalized}), is the one {@code encoded} was made from. */
    public static boolean checkPassword(String password, String encoded) {
        password = normalized(password);
        String[] parts = encoded.split("\\$");
        if (parts.length != 6 || !parts[1].equals("argon2id")) {
            return false;
        }
        int m = 0;
        int t = 0;
        int p = 0;
        for (String kv : parts[3].split(",")) {
            int value = Integer.parseInt(kv.substring(2));
            switch (kv.charAt(0)) {
                case 'm' -> m = value;
                case 't' -> t = value;
                case 'p' -> p = value;
                default -> { }
            }
        }
        byte[] salt = Base64.getDecoder().decode(parts[4]);
        byte[] expected = Base64.getDecoder().decode(parts[5]);
        return MessageDigest.isEqual(expected, argon2(password, salt, m, t, p));
    }

    private static byte[] argon2(String password, byte[] salt, int memoryKib, int iterations, int lanes) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt).withMemoryAsKB(memoryKib).withIterations(iterations).withParallelism(lanes).build());
        byte[] out = new byte[32];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }

    /** The stored form of a token. */
    public static String tokenHash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
