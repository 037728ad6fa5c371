package dev.verge.inference.request;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import dev.verge.inference.image.ImageDecoder;
import dev.verge.inference.image.ImageLimits;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the body of {@code POST /image}: raw image bytes, or {@code multipart/form-data} with the image in the
 * field {@code imageData} (what Custom Vision devices send). Never reads more than the limits allow.
 */
public final class ImageRequestReader {
    public static final String FIELD = "imageData";
    /** Room for the multipart framing and small extra fields around the image. */
    public static final int MULTIPART_OVERHEAD = 64 * 1024;

    static final Set<String> RAW_TYPES = Set.of("image/jpeg", "image/jpg", "image/pjpeg", "image/png", "image/bmp",
            "image/x-bmp", "image/x-ms-bmp", "application/octet-stream");
    static final List<String> ACCEPTED = List.of("image/jpeg", "image/png", "image/bmp", "application/octet-stream",
            "multipart/form-data (field imageData)");

    /** What curl sends with -d and --data-binary when not told otherwise. */
    public static final String CURL_DEFAULT_TYPE = "application/x-www-form-urlencoded";

    private ImageRequestReader() {}

    /**
     * The image of a prediction request as the edge agent and the cloud endpoint both read it: refused
     * before a byte is read when the declared length ({@code -1} when unknown) is over the limit, and
     * {@code curl --data-binary @apple.jpg}'s default form type read as raw bytes, as the Custom Vision
     * container does.
     */
    public static byte[] readPredictionBody(String contentType, long declaredLength, InputStream body, ImageLimits limits) {
        if (declaredLength > limits.maxBytes() + MULTIPART_OVERHEAD) {
            throw ImageDecoder.tooLarge(declaredLength, limits);
        }
        MediaType type = MediaType.parse(contentType);
        boolean curlForm = type != null && type.type().equals(CURL_DEFAULT_TYPE);
        return read(curlForm ? "application/octet-stream" : contentType, declaredLength, body, limits);
    }

    public static byte[] read(String contentType, InputStream body, ImageLimits limits) {
        return read(contentType, -1, body, limits);
    }

    private static byte[] read(String contentType, long declaredLength, InputStream body, ImageLimits limits) {
        MediaType type = MediaType.parse(contentType);
        if (type == null || RAW_TYPES.contains(type.type())) {
            byte[] bytes = readCapped(body, limits.maxBytes(), declaredLength);
            if (bytes.length > limits.maxBytes()) {
                throw ImageDecoder.tooLarge(-1, limits);
            }
            if (bytes.length == 0) {
                throw empty();
            }
            return bytes;
        }
        if (type.type().equals("multipart/form-data")) {
            String boundary = type.parameter("boundary");
            if (boundary == null || boundary.isEmpty() || boundary.length() > 200) {
                throw MultipartParser.invalid("Content-Type multipart/form-data needs a boundary parameter of 1 to 70"
                        + " characters, found " + (boundary == null ? "none" : boundary.length() + " characters"));
            }
            long cap = limits.maxBytes() + MULTIPART_OVERHEAD;
            byte[] bytes = readCapped(body, cap, declaredLength);
            if (bytes.length > cap) {
                throw ImageDecoder.tooLarge(-1, limits);
            }
            byte[] image = MultipartParser.field(bytes, boundary, FIELD, limits);
            if (image.length == 0) {
                throw empty();
            }
            return image;
        }
        throw new VergeException(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                "Content-Type " + type.type() + " is not accepted; expected one of " + ACCEPTED);
    }

    private static VergeException empty() {
        return new VergeException(ErrorKind.BAD_REQUEST, "image_empty",
                "the request has no image bytes; send a JPEG, PNG or BMP image as the body or in the field " + FIELD);
    }

    /**
     * At most {@code max + 1} bytes, so the caller can tell "too large" without reading the rest. A body of a
     * declared length is read straight into one array of that size (a 12 MP photo is 2-5 MB: no copies).
     */
    private static byte[] readCapped(InputStream body, long max, long declaredLength) {
        if (body == null) {
            return new byte[0];
        }
        try {
            if (declaredLength >= 0 && declaredLength <= max) {
                byte[] bytes = new byte[(int) declaredLength];
                int n = body.readNBytes(bytes, 0, bytes.length);
                return n == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, n);
            }
            return body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        } catch (IOException e) {
            // the client went away or sent a broken stream: its problem, not a server error
            throw new VergeException(ErrorKind.BAD_REQUEST, "request_body_unreadable",
                    "the request body could not be read completely (" + e.getMessage() + "); send it again", e);
        }
    }

    /** A parsed Content-Type: lower-case type and its parameters. */
    record MediaType(String type, java.util.Map<String, String> parameters) {
        String parameter(String name) {
            return parameters.get(name);
        }

        /** Null for a missing or blank header. Parameter values may be quoted ("a\"b"). */
        static MediaType parse(String header) {
            if (header == null || header.isBlank()) {
                return null;
            }
            int semicolon = header.indexOf(';');
            String type = (semicolon < 0 ? header : header.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
            java.util.Map<String, String> params = new java.util.HashMap<>();
            int i = semicolon < 0 ? header.length() : semicolon + 1;
            while (i < header.length()) {
                int eq = header.indexOf('=', i);
                if (eq < 0) {
                    break;
                }
                String key = header.substring(i, eq).trim().toLowerCase(Locale.ROOT);
                int j = eq + 1;
                while (j < header.length() && header.charAt(j) == ' ') {
                    j++;
                }
                StringBuilder value = new StringBuilder();
                if (j < header.length() && header.charAt(j) == '"') {
                    j++;
                    while (j < header.length() && header.charAt(j) != '"') {
                        if (header.charAt(j) == '\\' && j + 1 < header.length()) {
                            j++;
                        }
                        value.append(header.charAt(j++));
                    }
                    j++; // closing quote
                    while (j < header.length() && header.charAt(j) != ';') {
                        j++;
                    }
                } else {
                    while (j < header.length() && header.charAt(j) != ';') {
                        value.append(header.charAt(j++));
                    }
                }
                params.putIfAbsent(key, value.toString().trim());
                i = j + 1;
            }
            return new MediaType(type, params);
        }
    }
}
