package dev.verge.inference.request;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import dev.verge.inference.image.ImageDecoder;
import dev.verge.inference.image.ImageLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds one field of a {@code multipart/form-data} body (RFC 7578 / RFC 2046). Lines end with CRLF; a bare LF
 * is tolerated because small device firmwares send it. The closing boundary is required: without it the body
 * may have been cut short.
 */
final class MultipartParser {
    static final int MAX_HEADER_BYTES = 16 * 1024;
    static final int MAX_PARTS = 100;

    private MultipartParser() {}

    static byte[] field(byte[] body, String boundary, String wanted, ImageLimits limits) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = firstDelimiter(body, delimiter);
        if (pos < 0) {
            throw invalid("the body has no boundary line \"--" + boundary + "\" (does it match the Content-Type?)");
        }
        pos += delimiter.length;
        byte[] found = null;
        List<String> names = new ArrayList<>();
        while (true) {
            if (startsWith(body, pos, "--")) {
                break; // closing boundary
            }
            pos = afterLineBreak(body, pos);
            if (pos < 0) {
                throw invalid("the body ends without the closing boundary \"--" + boundary + "--\"");
            }
            if (names.size() >= MAX_PARTS) {
                throw invalid("the body has more than " + MAX_PARTS + " parts");
            }
            int headersEnd = headersEnd(body, pos);
            if (headersEnd < 0) {
                throw invalid("the headers of part " + (names.size() + 1) + " never end (expected an empty line)");
            }
            String name = fieldName(new String(body, pos, headersEnd - pos, StandardCharsets.UTF_8), names.size() + 1);
            names.add(name);
            int contentStart = skipBlankLine(body, headersEnd);
            int next = nextDelimiter(body, delimiter, contentStart);
            if (next < 0) {
                throw invalid("the part \"" + name + "\" has no closing boundary \"--" + boundary
                        + "\"; the body was cut short or the boundary does not match the Content-Type");
            }
            int contentEnd = Math.max(contentStart, next > contentStart && body[next - 1] == '\r' ? next - 1 : next);
            if (found == null && name.equalsIgnoreCase(wanted)) {
                if (contentEnd - contentStart > limits.maxBytes()) {
                    throw ImageDecoder.tooLarge(contentEnd - contentStart, limits);
                }
                found = Arrays.copyOfRange(body, contentStart, contentEnd);
            }
            pos = next + 1 + delimiter.length;
        }
        if (found == null) {
            throw invalid("the body has no field named " + wanted + "; found fields " + names);
        }
        return found;
    }

    static VergeException invalid(String message) {
        return new VergeException(ErrorKind.BAD_REQUEST, "multipart_invalid", message);
    }

    private static int firstDelimiter(byte[] body, byte[] delimiter) {
        int from = 0;
        while (true) {
            int at = indexOf(body, delimiter, from);
            if (at < 0 || at == 0 || body[at - 1] == '\n') {
                return at;
            }
            from = at + 1; // inside the preamble
        }
    }

    /** A delimiter counts only at the start of a line. Returns the index of that line's LF. */
    private static int nextDelimiter(byte[] body, byte[] delimiter, int from) {
        int at = from;
        while (true) {
            at = indexOf(body, delimiter, at);
            if (at < 0) {
                return -1;
            }
            if (at > 0 && body[at - 1] == '\n') {
                return at - 1;
            }
            at++;
        }
    }

    /** Skips transport padding and one line break; -1 when there is none. */
    private static int afterLineBreak(byte[] body, int pos) {
        while (pos < body.length && (body[pos] == ' ' || body[pos] == '\t')) {
            pos++;
        }
        if (startsWith(body, pos, "\r\n")) {
            return pos + 2;
        }
        if (pos < body.length && body[pos] == '\n') {
            return pos + 1;
        }
        return -1;
    }

    /** Index where the empty line after the headers starts (a part may have no headers at all). */
    private static int headersEnd(byte[] body, int pos) {
        if (startsWith(body, pos, "\r\n") || startsWith(body, pos, "\n")) {
            return pos;
        }
        int limit = Math.min(body.length, pos + MAX_HEADER_BYTES);
        for (int i = pos; i < limit; i++) {
            if (body[i] == '\n') {
                if (startsWith(body, i + 1, "\r\n") || startsWith(body, i + 1, "\n")) {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    private static int skipBlankLine(byte[] body, int pos) {
        return startsWith(body, pos, "\r\n") ? pos + 2 : pos + 1;
    }

    private static String fieldName(String headers, int partNumber) {
        for (String line : headers.split("\n")) {
            String trimmed = line.strip();
            int colon = trimmed.indexOf(':');
            if (colon > 0 && trimmed.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
                ImageRequestReader.MediaType disposition =
                        ImageRequestReader.MediaType.parse(trimmed.substring(colon + 1));
                String name = disposition == null ? null : disposition.parameter("name");
                if (disposition != null && disposition.type().equals("form-data") && name != null) {
                    return name;
                }
                throw invalid("part " + partNumber + " has Content-Disposition \"" + trimmed.substring(colon + 1).trim()
                        + "\"; expected form-data; name=\"...\"");
            }
        }
        throw invalid("part " + partNumber + " has no Content-Disposition header; expected"
                + " Content-Disposition: form-data; name=\"" + ImageRequestReader.FIELD + "\"");
    }

    private static boolean startsWith(byte[] body, int pos, String ascii) {
        if (pos < 0 || pos + ascii.length() > body.length) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (body[pos + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] body, byte[] needle, int from) {
        byte first = needle[0];
        int last = body.length - needle.length;
        outer:
        for (int i = Math.max(0, from); i <= last; i++) {
            if (body[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (body[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
