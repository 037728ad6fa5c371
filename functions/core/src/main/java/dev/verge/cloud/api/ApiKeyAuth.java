package dev.verge.cloud.api;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks the registry API key, sent as {@code x-api-key: KEY} or {@code Authorization: Bearer KEY}.
 * Several keys may be valid at once (primary and secondary, so a key can be rotated without
 * downtime). Keys are compared as SHA-256 digests with {@link MessageDigest#isEqual}, against every
 * configured key, so the time taken says nothing about how much of a key was right.
 */
public final class ApiKeyAuth {
    private final List<byte[]> keyDigests;
    private final boolean insecureLocal;

    private ApiKeyAuth(List<String> keys, boolean insecureLocal) {
        this.keyDigests = keys.stream().map(ApiKeyAuth::digest).toList();
        this.insecureLocal = insecureLocal;
    }

    /** Requests must carry one of {@code keys}. */
    public static ApiKeyAuth requireKeys(List<String> keys) {
        if (keys.isEmpty() || keys.stream().anyMatch(k -> k == null || k.isBlank())) {
            throw new IllegalArgumentException("expected at least one non-blank API key, found " + keys.size() + " usable");
        }
        return new ApiKeyAuth(keys, false);
    }

    /** Every request is let in: only for a local runtime started with an explicit flag. */
    public static ApiKeyAuth insecureLocal() {
        return new ApiKeyAuth(List.of(), true);
    }

    public boolean isInsecure() {
        return insecureLocal;
    }

    /** The caller behind a valid key; 401 {@code unauthorized} otherwise. */
    public Caller authenticate(ApiRequest request) {
        if (insecureLocal) {
            return Caller.INSECURE_LOCAL;
        }
        Optional<String> presented = presentedKey(request);
        if (presented.isEmpty()) {
            throw new VergeException(ErrorKind.UNAUTHORIZED, "unauthorized",
                    "expected an API key in the x-api-key header or as Authorization: Bearer <key>, found none");
        }
        byte[] digest = digest(presented.get());
        int match = -1;
        for (int i = 0; i < keyDigests.size(); i++) {
            if (MessageDigest.isEqual(keyDigests.get(i), digest) && match < 0) {
                match = i;
            }
        }
        if (match < 0) {
            throw new VergeException(ErrorKind.UNAUTHORIZED, "unauthorized",
                    "the API key sent does not match any configured key");
        }
        return new Caller("api-key-" + (match + 1));
    }

    private static Optional<String> presentedKey(ApiRequest request) {
        Optional<String> header = request.header("x-api-key").map(String::strip).filter(s -> !s.isEmpty());
        if (header.isPresent()) {
            return header;
        }
        return request.header("Authorization")
                .map(String::strip)
                .filter(v -> v.toLowerCase(Locale.ROOT).startsWith("bearer "))
                .map(v -> v.substring("bearer ".length()).strip())
                .filter(s -> !s.isEmpty());
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
