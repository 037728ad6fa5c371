package dev.verge.cloud.port;

import java.nio.charset.StandardCharsets;

/**
 * One part of a store key made from a name a caller chose (a device id, a group): percent-encoded as a URL path
 * segment is, so a '/' in it cannot change which records a key prefix lists, and keys stay readable.
 */
public final class StoreKeys {
    private static final String UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

    private StoreKeys() {}

    /** {@code part} with every byte outside the URL's unreserved characters as %XX ('/' and '+' too). */
    public static String segment(String part) {
        StringBuilder out = new StringBuilder();
        for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
            if (b >= 0 && UNRESERVED.indexOf(b) >= 0) {
                out.append((char) b);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
