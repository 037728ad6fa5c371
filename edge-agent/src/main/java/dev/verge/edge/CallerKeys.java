package dev.verge.edge;

import com.sun.net.httpserver.Headers;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;

/**
 * The keys callers must send ({@code --client-key}): in {@code Prediction-Key}, the header Custom Vision clients
 * already send, or in {@code X-Api-Key}. Health routes stay open, so orchestrators probe without a key; every other
 * route, those added later included, needs one. Keys are compared as SHA-256 digests in constant time, so neither
 * a key's content nor its length shows in the time an answer takes, and are never logged.
 */
final class CallerKeys {
    static final String PREDICTION_KEY_HEADER = "Prediction-Key";
    static final String API_KEY_HEADER = "X-Api-Key";
    /** Route names (see EdgeServer) that answer without a key. */
    static final Set<String> OPEN_ROUTES = Set.of("index", "v2_live", "v2_ready", "v2_model_ready");

    private final List<byte[]> digests;

    CallerKeys(List<String> keys) {
        this.digests = keys.stream().map(CallerKeys::digest).toList();
    }

    /** Throws the 401 when {@code route} needs a key and the request has none of ours. */
    void check(String route, Headers headers) {
        if (digests.isEmpty() || OPEN_ROUTES.contains(route)) {
            return;
        }
        String given = headers.getFirst(PREDICTION_KEY_HEADER);
        if (given == null) {
            given = headers.getFirst(API_KEY_HEADER);
        }
        if (given == null || given.isEmpty()) {
            throw new VergeException(ErrorKind.UNAUTHORIZED, "client_key_required",
                    "this agent needs a client key: send it in the " + PREDICTION_KEY_HEADER + " or " + API_KEY_HEADER + " header");
        }
        byte[] digest = digest(given.strip());
        boolean match = false;
        for (byte[] key : digests) {
            match |= MessageDigest.isEqual(key, digest); // every key compared, whichever matches
        }
        if (!match) {
            throw new VergeException(ErrorKind.UNAUTHORIZED, "client_key_invalid",
                    "the client key sent in " + PREDICTION_KEY_HEADER + " or " + API_KEY_HEADER + " is not one of this agent's");
        }
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
