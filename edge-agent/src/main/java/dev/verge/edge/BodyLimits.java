package dev.verge.edge;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/** Reads small request bodies (JSON) with a cap, and answers questions about content types. */
final class BodyLimits {
    private BodyLimits() {}

    /** The whole body, or 413 {@code request_too_large} as soon as it passes {@code maxBytes}. */
    static byte[] readAtMost(Request request, long maxBytes, String what) throws IOException {
        if (request.contentLength().orElse(0) > maxBytes) {
            throw tooLarge(maxBytes, what, request.contentLength().getAsLong() + " bytes");
        }
        InputStream in = request.body();
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
            throw tooLarge(maxBytes, what, "more than " + maxBytes + " bytes");
        }
        return bytes;
    }

    /** The media type without parameters, lower case; "" when absent. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return type.trim().toLowerCase(Locale.ROOT);
    }

    private static VergeException tooLarge(long maxBytes, String what, String found) {
        return new VergeException(ErrorKind.PAYLOAD_TOO_LARGE, "request_too_large",
                what + " must be at most " + maxBytes + " bytes, found " + found);
    }
}
