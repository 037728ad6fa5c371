package dev.verge.cloud.azure.storage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Our keys as Azure Table PartitionKey/RowKey values. Tables refuse {@code / \ # ?} and control
 * characters in keys, and some gateways mangle {@code %} and quotes in entity URLs, so every character
 * but {@code [A-Za-z0-9-._]} is written as {@code !XX} per UTF-8 byte. The encoding works character
 * by character, so the encoded form of a prefix is a prefix of the encoded key and range queries on
 * the encoded prefix find exactly the keys that start with it. It does not keep order ({@code !} sorts
 * before {@code -}), so listings are sorted again after decoding.
 */
final class TableKeys {

    /** Greater than every character an encoded key can hold; {@code RowKey lt '<prefix>~'} ends a prefix range. */
    static final char AFTER_ALL = '~';

    private TableKeys() {}

    static String encode(String key) {
        StringBuilder out = new StringBuilder(key.length());
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_') {
                out.append((char) c);
            } else {
                out.append('!').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    static String decode(String encoded) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '!') {
                if (i + 2 >= encoded.length()) {
                    throw new IllegalArgumentException("not an encoded table key: " + encoded);
                }
                bytes.write(Integer.parseInt(encoded, i + 1, i + 3, 16));
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
