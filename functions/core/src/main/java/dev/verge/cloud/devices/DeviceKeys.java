package dev.verge.cloud.devices;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Device keys: 32 random bytes, Base64url without padding, handed out once and stored only as a
 * SHA-256 digest.
 *
 * <p>Why a plain SHA-256 and not a password hash (bcrypt, scrypt, Argon2): those slow an attacker
 * who holds the digests down while guessing low-entropy passwords. A device key has 256 bits of
 * entropy from a CSPRNG, so there is nothing to guess; one SHA-256 already makes a leaked table
 * useless, and it keeps the check cheap on every device call (a slow hash there would be a
 * denial-of-service lever).
 */
public final class DeviceKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int KEY_BYTES = 32;

    private DeviceKeys() {}

    /** A fresh key, as handed to the device. */
    public static String generate() {
        byte[] bytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The digest stored for {@code key} (lowercase hex of its SHA-256). */
    public static String hash(String key) {
        return HexFormat.of().formatHex(digest(key));
    }

    /**
     * True when {@code presented} is the key behind {@code storedHash}; the comparison takes the same
     * time wherever the digests differ ({@link MessageDigest#isEqual}).
     */
    public static boolean matches(String presented, String storedHash) {
        byte[] expected = storedHash == null ? new byte[KEY_BYTES] : HexFormat.of().parseHex(storedHash);
        return MessageDigest.isEqual(expected, digest(presented == null ? "" : presented));
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
