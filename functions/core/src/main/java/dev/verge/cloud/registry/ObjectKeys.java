package dev.verge.cloud.registry;

import java.util.Optional;

/**
 * Blob keys and object names as events and triggers deliver them are untrusted text: a key that climbs out of
 * its prefix ({@code models/../x.zip}), starts at the root ({@code /etc/x.zip}) or holds control characters
 * (NUL, a line break that forges a log line) names no package. Such an event is ignored with a reason, never
 * failed: a 5xx makes Event Grid and S3 deliver the same event again for a day.
 */
public final class ObjectKeys {
    private ObjectKeys() {}

    /** Why {@code key} cannot name a package, or empty when it can. */
    public static Optional<String> refusal(String key) {
        if (key == null || key.isEmpty()) {
            return Optional.of("the event names no object");
        }
        if (key.codePoints().anyMatch(ObjectKeys::isControl)) {
            return Optional.of("the object name " + printable(key) + " holds control characters");
        }
        String slashed = key.replace('\\', '/');
        if (slashed.startsWith("/") || (slashed.length() > 1 && slashed.charAt(1) == ':')) {
            return Optional.of("the object name " + printable(key) + " is an absolute path");
        }
        for (String segment : slashed.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                return Optional.of("the object name " + printable(key) + " has a \"" + segment + "\" segment");
            }
        }
        return Optional.empty();
    }

    /** {@code key} quoted, control characters as {@code \\uXXXX}, for logs and reasons. */
    public static String printable(String key) {
        StringBuilder out = new StringBuilder(key.length() + 2).append('"');
        key.codePoints().forEach(c -> {
            if (isControl(c) || c == '"' || c == '\\') {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('"').toString();
    }

    /** {@code text} with its control characters as {@code \\uXXXX}: one log line stays one line. */
    public static String escapeControls(String text) {
        if (text == null || text.codePoints().noneMatch(ObjectKeys::isControl)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(c -> {
            if (isControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    private static boolean isControl(int c) {
        return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 || c == 0x2029;
    }
}
