package dev.verge.cloud.events;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The authentication schemes of webhook sources. Every comparison is constant-time
 * ({@link MessageDigest#isEqual}) and made against every configured secret (two may be valid while one
 * is rotated). Failures throw {@link WebhookAuthException} with a reason that never holds a secret,
 * a presented value or a signature.
 */
final class WebhookAuth {
    private WebhookAuth() {}

    /** A shared secret sent verbatim (Hugging Face, ACR custom header, Docker Hub URL token). */
    static void sharedSecret(Optional<String> presented, List<String> secrets, String where) {
        requireConfigured(secrets);
        if (presented.isEmpty() || presented.get().isBlank()) {
            throw new WebhookAuthException("expected the webhook secret in " + where + ", found none");
        }
        byte[] sent = sha256(presented.get().strip().getBytes(StandardCharsets.UTF_8));
        boolean match = false;
        for (String secret : secrets) {
            match |= MessageDigest.isEqual(sha256(secret.getBytes(StandardCharsets.UTF_8)), sent);
        }
        if (!match) {
            throw new WebhookAuthException("the secret in " + where + " matches no configured secret");
        }
    }

    /** GitHub's {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>}. */
    static void hubSignature(byte[] body, Optional<String> header, List<String> secrets) {
        requireConfigured(secrets);
        String value = header.map(String::strip).orElse("");
        if (!value.toLowerCase(Locale.ROOT).startsWith("sha256=")) {
            throw new WebhookAuthException("expected X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>, found "
                    + (value.isEmpty() ? "no such header" : "another format"));
        }
        byte[] sent = value.substring("sha256=".length()).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        for (String secret : secrets) {
            byte[] expected = HexFormat.of().formatHex(hmac(secret, body)).getBytes(StandardCharsets.US_ASCII);
            match |= MessageDigest.isEqual(expected, sent);
        }
        if (!match) {
            throw new WebhookAuthException("X-Hub-Signature-256 does not match the body under any configured secret");
        }
    }

    /**
     * Verge's timestamped scheme for {@code generic} (as Stripe and Svix sign): {@code X-Verge-Timestamp: <Unix
     * seconds>} and {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">}, the timestamp
     * no further than {@code maxAge} from {@code now} (either way), so a captured delivery cannot be replayed later.
     */
    static void timestampedHubSignature(byte[] body, String timestamp, Optional<String> header, List<String> secrets,
                                        Instant now, Duration maxAge) {
        requireConfigured(secrets);
        checkAge(timestamp, "X-Verge-Timestamp", now, maxAge);
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, content, 0, prefix.length);
        System.arraycopy(body, 0, content, prefix.length, body.length);
        try {
            hubSignature(content, header, secrets);
        } catch (WebhookAuthException e) {
            throw new WebhookAuthException(e.getMessage().replace("the body", "\"<X-Verge-Timestamp>.<body>\""));
        }
    }

    /** The timestamp in Unix seconds, no further than {@code maxAge} from {@code now}. */
    private static long checkAge(String timestamp, String header, Instant now, Duration maxAge) {
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            throw new WebhookAuthException("expected " + header + " in Unix seconds, found another format");
        }
        long skew = Math.abs(now.getEpochSecond() - seconds);
        if (skew > maxAge.toSeconds()) {
            throw new WebhookAuthException(header + " is " + skew + " s away from now, more than the "
                    + maxAge.toSeconds() + " s accepted (a replayed or delayed delivery)");
        }
        return seconds;
    }

    /**
     * MLflow's scheme: {@code X-MLflow-Signature: v1,<base64 HMAC-SHA256>} over
     * {@code <X-MLflow-Delivery-Id>.<X-MLflow-Timestamp>.<body>}, the timestamp in Unix seconds and
     * no further than {@code maxAge} from {@code now} (in either direction), so a captured delivery
     * cannot be replayed later.
     */
    static void mlflowSignature(byte[] body, Optional<String> deliveryId, Optional<String> timestamp,
                                Optional<String> signature, List<String> secrets, Instant now, Duration maxAge) {
        requireConfigured(secrets);
        if (deliveryId.isEmpty() || timestamp.isEmpty() || signature.isEmpty()) {
            throw new WebhookAuthException("expected headers X-MLflow-Delivery-Id, X-MLflow-Timestamp and X-MLflow-Signature,"
                    + " found " + (deliveryId.isPresent() ? "" : "no delivery id ") + (timestamp.isPresent() ? "" : "no timestamp ")
                    + (signature.isPresent() ? "" : "no signature"));
        }
        checkAge(timestamp.get(), "X-MLflow-Timestamp", now, maxAge);
        byte[] signed = (deliveryId.get() + "." + timestamp.get().strip() + ".").getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[signed.length + body.length];
        System.arraycopy(signed, 0, content, 0, signed.length);
        System.arraycopy(body, 0, content, signed.length, body.length);
        boolean match = false;
        for (String candidate : signature.get().strip().split("\\s+")) {
            if (!candidate.startsWith("v1,")) {
                continue;
            }
            byte[] sent;
            try {
                sent = Base64.getDecoder().decode(candidate.substring(3));
            } catch (IllegalArgumentException e) {
                continue;
            }
            for (String secret : secrets) {
                match |= MessageDigest.isEqual(hmac(secret, content), sent);
            }
        }
        if (!match) {
            throw new WebhookAuthException("X-MLflow-Signature (v1) does not match delivery id, timestamp and body"
                    + " under any configured secret");
        }
    }

    static byte[] hmac(String secret, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static void requireConfigured(List<String> secrets) {
        if (secrets.isEmpty()) {
            throw new WebhookAuthException("no secret is configured for this source, so every delivery is refused");
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A delivery that failed its source's authentication; the message is safe to log and to answer. */
    static final class WebhookAuthException extends RuntimeException {
        WebhookAuthException(String reason) {
            super(reason, null, false, false);
        }
    }
}
