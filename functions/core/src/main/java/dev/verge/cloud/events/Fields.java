package dev.verge.cloud.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Tolerant reads of event payloads, whose field names change case between service versions
 * ({@code modelName} / {@code ModelName}) and whose versions arrive as strings or numbers.
 */
final class Fields {
    private Fields() {}

    /** The field {@code name}, matched exactly first and then ignoring case; a missing node otherwise. */
    static JsonNode get(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equalsIgnoreCase(name)) {
                return field.getValue();
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** A nested field ({@code "target", "digest"}), each step tolerant as {@link #get}. */
    static JsonNode path(JsonNode node, String... names) {
        JsonNode at = node;
        for (String name : names) {
            at = get(at, name);
        }
        return at;
    }

    /** The text of a string, number or boolean field; empty when missing, null, blank or a container. */
    static Optional<String> text(JsonNode node, String... path) {
        JsonNode value = path(node, path);
        if (value.isFloatingPointNumber() && !value.isBigDecimal() && !Double.isFinite(value.doubleValue())) {
            return Optional.empty();
        }
        if (value.isTextual() || value.isNumber() || value.isBoolean()) {
            // 5.0 is version "5"; a double's own text would be "5.0"
            String text = value.isFloatingPointNumber() && Math.abs(value.doubleValue()) < 1e15
                    ? value.decimalValue().stripTrailingZeros().toPlainString() : value.asText();
            return text.isBlank() ? Optional.empty() : Optional.of(text.strip());
        }
        return Optional.empty();
    }

    /** Like {@link #text} but 400 {@code event_invalid} naming the field when it is missing. */
    static String require(JsonNode node, String what, String... path) {
        return text(node, path).orElseThrow(() -> invalid(what + ": expected field " + String.join(".", path)
                + " as text or a number, found " + describe(path(node, path))));
    }

    static long number(JsonNode node, long fallback, String... path) {
        JsonNode value = path(node, path);
        if (value.canConvertToLong()) {
            return value.asLong();
        }
        if (value.isTextual()) {
            try {
                return Long.parseLong(value.asText().strip());
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
        return fallback;
    }

    /** An ISO-8601 time (any offset, any fraction digits) or epoch seconds; empty when absent or unreadable. */
    static Optional<Instant> time(JsonNode node, String... path) {
        JsonNode value = path(node, path);
        try {
            if (value.isIntegralNumber() && value.canConvertToLong()) {
                return Optional.of(Instant.ofEpochSecond(value.asLong()));
            }
            Optional<String> text = value.isTextual() ? text(node, path) : Optional.empty();
            if (text.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(OffsetDateTime.parse(text.get()).toInstant());
            } catch (DateTimeParseException e) {
                return Optional.of(Instant.ofEpochSecond(Long.parseLong(text.get())));
            }
        } catch (DateTimeException | NumberFormatException | ArithmeticException unreadable) {
            return Optional.empty();
        }
    }

    /** An ETag without the quotes some services put around it (and without a weak {@code W/} prefix). */
    static String unquote(String etag) {
        if (etag == null) {
            return "";
        }
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            e = e.substring(1, e.length() - 1);
        }
        return e;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    static VergeException invalid(String message) {
        return new VergeException(ErrorKind.BAD_REQUEST, "event_invalid", message);
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        String text = node.toString();
        return text.length() > 120 ? text.substring(0, 120) + "..." : text;
    }
}
