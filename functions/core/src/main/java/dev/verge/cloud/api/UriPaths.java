package dev.verge.cloud.api;

import dev.verge.cloud.port.StoreKeys;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Percent-encoding of URL path segments and query strings. Paths are split on '/' before decoding,
 * so an encoded slash ({@code %2F}) stays inside its segment and is judged there (a model name with
 * a '/' is refused) instead of silently changing the route.
 */
public final class UriPaths {

    private UriPaths() {}

    /** Encodes one path segment (a space becomes %20, '/' and '+' are encoded too), as store keys are. */
    public static String encodeSegment(String segment) {
        return StoreKeys.segment(segment);
    }

    /** Encodes a '/'-separated key segment by segment, keeping the slashes. */
    public static String encodePath(String key) {
        List<String> parts = new ArrayList<>();
        for (String segment : key.split("/", -1)) {
            parts.add(encodeSegment(segment));
        }
        return String.join("/", parts);
    }

    /** Decodes %XX escapes ('+' stays '+', as in paths); 400 {@code path_invalid} for broken escapes or bad UTF-8. */
    public static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            int next = raw.indexOf('%', i);
            if (next != i) {
                int end = next < 0 ? raw.length() : next;
                bytes.writeBytes(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
                continue;
            }
            int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
            int lo = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
            if (hi < 0 || lo < 0) {
                throw new VergeException(ErrorKind.BAD_REQUEST, "path_invalid",
                        "expected %XX escapes with two hex digits in the URL, found \"" + raw + "\"");
            }
            bytes.write(hi * 16 + lo);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "path_invalid",
                    "expected UTF-8 after decoding the %XX escapes in the URL, found invalid bytes in \"" + raw + "\"");
        }
    }

    /** Splits a raw path ("/api/models/a%2Fb") into decoded segments ["api", "models", "a/b"]; empty segments are dropped. */
    public static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String part : rawPath.split("/")) {
            if (!part.isEmpty()) {
                out.add(decode(part));
            }
        }
        return out;
    }

    /** Parses a raw query string ("a=1&b=x%20y&a=2"), '+' meaning space as in HTML forms. */
    public static Map<String, List<String>> parseQuery(String rawQuery) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = decode((eq < 0 ? pair : pair.substring(0, eq)).replace('+', ' '));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1).replace('+', ' '));
                query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } catch (VergeException e) {
                // the query may hold a key: the answer does not repeat it
                throw new VergeException(ErrorKind.BAD_REQUEST, "query_invalid",
                        "expected %XX escapes with two hex digits, decoding to UTF-8, in the query string");
            }
        }
        return query;
    }
}
