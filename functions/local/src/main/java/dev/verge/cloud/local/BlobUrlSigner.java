package dev.verge.cloud.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs and checks blob download URLs the way S3 pre-signed URLs work: HMAC-SHA256 over the key and
 * the expiry time, so a device can fetch one object for a limited time without an API key.
 */
public final class BlobUrlSigner {
    private static final int SECRET_BYTES = 32;

    private final byte[] secret;
    private final Clock clock;

    public BlobUrlSigner(byte[] secret, Clock clock) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("expected a secret of at least 16 bytes, found " + secret.length);
        }
        this.secret = secret.clone();
        this.clock = clock;
    }

    /**
     * The secret kept in {@code file}, created (owner-only) on first use, so that URLs handed out
     * before a restart stay valid after it.
     */
    public static BlobUrlSigner fromSecretFile(Path file, Clock clock) {
        try {
            if (!Files.exists(file)) {
                byte[] fresh = new byte[SECRET_BYTES];
                new SecureRandom().nextBytes(fresh);
                Files.createDirectories(file.toAbsolutePath().getParent());
                Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".secret", ".tmp");
                try {
                    restrictToOwner(tmp);
                    Files.writeString(tmp, HexFormat.of().formatHex(fresh), StandardOpenOption.TRUNCATE_EXISTING);
                    // a second process starting at the same time keeps the first secret
                    Files.move(tmp, file);
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    Files.deleteIfExists(tmp);
                }
            }
            return new BlobUrlSigner(HexFormat.of().parseHex(Files.readString(file).strip()), clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the URL signing secret " + file, e);
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the data folder's own ACL applies
        }
    }

    public long expiresAt(long ttlSeconds) {
        return clock.instant().getEpochSecond() + Math.max(1, ttlSeconds);
    }

    public String sign(String key, long expiresEpochSeconds) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((key + "\n" + expiresEpochSeconds).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    /** True when {@code signature} was made by this signer for {@code key} and has not expired. */
    public boolean verify(String key, long expiresEpochSeconds, String signature) {
        if (signature == null || clock.instant().getEpochSecond() > expiresEpochSeconds) {
            return false;
        }
        byte[] expected = sign(key, expiresEpochSeconds).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }
}
