package dev.verge.cloud.dashboard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.MetadataStore;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Dashboard sessions: an opaque id made of 16 random bytes and an expiry, sealed with an HMAC whose key is
 * derived from the configured API keys. The browser never holds the API key; any function instance checks a
 * session without shared state (Lambda and Azure run many), sessions survive restarts, and rotating the API
 * keys ends every session. Signing out ends one: its digest is kept (collection {@value #SIGNED_OUT}) until the
 * session would have expired anyway.
 */
final class DashboardSessions {
    static final Duration LIFETIME = Duration.ofHours(12);
    private static final int NONCE_BYTES = 16;
    private static final int MAC_BYTES = 32;

    static final String SIGNED_OUT = "dashboard-signed-out";

    /** A session that was signed out, under the SHA-256 of its id (the id itself is a credential until it expires). */
    record SignedOut(Instant at, Instant expires) {}

    private final SecureRandom random = new SecureRandom();
    private final byte[] secret;
    private final Clock clock;
    private final JsonCollection<SignedOut> signedOut;

    DashboardSessions(List<String> apiKeys, Clock clock, MetadataStore metadata) {
        this.secret = derive(apiKeys);
        this.clock = clock;
        this.signedOut = new JsonCollection<>(metadata, SIGNED_OUT, SignedOut.class, SignedOut::expires);
    }

    /** Ends the session {@code id}, if it is one: it is refused from now on, on every instance. */
    void close(String id) {
        expiry(id).ifPresent(expires -> signedOut.create(digest(id), new SignedOut(clock.instant(), expires)));
    }

    private static String digest(String id) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A new session id, valid for {@link #LIFETIME}. */
    String open() {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        ByteBuffer body = ByteBuffer.allocate(NONCE_BYTES + Long.BYTES + MAC_BYTES);
        body.put(nonce).putLong(clock.instant().plus(LIFETIME).getEpochSecond());
        body.put(mac(body.array(), NONCE_BYTES + Long.BYTES));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(body.array());
    }

    /** Whether {@code id} is a session this cloud opened, that has not expired and was not signed out. */
    boolean isValid(String id) {
        return expiry(id).isPresent() && signedOut.get(digest(id)).isEmpty();
    }

    /** When the sealed session {@code id} expires; empty when it is not one of ours or expired already. */
    private Optional<Instant> expiry(String id) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(id);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (bytes.length != NONCE_BYTES + Long.BYTES + MAC_BYTES) {
            return Optional.empty();
        }
        byte[] expected = mac(bytes, NONCE_BYTES + Long.BYTES);
        byte[] given = java.util.Arrays.copyOfRange(bytes, NONCE_BYTES + Long.BYTES, bytes.length);
        long expires = ByteBuffer.wrap(bytes, NONCE_BYTES, Long.BYTES).getLong();
        return MessageDigest.isEqual(expected, given) && clock.instant().getEpochSecond() < expires
                ? Optional.of(Instant.ofEpochSecond(expires)) : Optional.empty();
    }

    private byte[] mac(byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    private static byte[] derive(List<String> apiKeys) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update("verge dashboard sessions v1".getBytes(StandardCharsets.UTF_8));
            for (String key : apiKeys.stream().sorted().toList()) {
                digest.update(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
            }
            return digest.digest();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s);
    }
}
