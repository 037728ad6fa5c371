package dev.verge.cloud.api;

import dev.verge.cloud.json.CloudJson;
import dev.verge.error.ErrorBody;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The answer to an {@link ApiRequest}. The body is either bytes (JSON answers) or a stream (package
 * downloads) that the runtime copies to the client and closes; runtimes that need the whole body at
 * once (API Gateway) call {@link #bodyBytes()}.
 *
 * @param headers response headers; lookups are case-insensitive
 */
public record ApiResponse(int status, Map<String, String> headers, Body body) {

    /** What the response carries. */
    public sealed interface Body permits Bytes, Streaming {}

    /** A body held in memory. */
    public record Bytes(byte[] bytes) implements Body {}

    /** A body read from {@code in} when it is sent; {@code length} is -1 when unknown. */
    public record Streaming(InputStream in, long length) implements Body {}

    public static final String JSON = "application/json";

    public ApiResponse {
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            copy.putAll(headers);
        }
        headers = Collections.unmodifiableMap(copy);
        body = body == null ? new Bytes(new byte[0]) : body;
    }

    public static ApiResponse json(int status, Object value) {
        return new ApiResponse(status, Map.of("Content-Type", JSON), new Bytes(CloudJson.toBytes(value)));
    }

    public static ApiResponse error(VergeException e) {
        return json(e.kind().httpStatus(), e.body());
    }

    public static ApiResponse error(ErrorKind kind, String code, String message) {
        return json(kind.httpStatus(), new ErrorBody(code, message));
    }

    public static ApiResponse stream(int status, String contentType, InputStream in, long length) {
        return new ApiResponse(status, Map.of("Content-Type", contentType), new Streaming(in, length));
    }

    /** A 302 to {@code location}, for example a pre-signed blob URL. */
    public static ApiResponse redirect(String location) {
        return new ApiResponse(302, Map.of("Location", location), null);
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    public ApiResponse withHeader(String name, String value) {
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        copy.put(name, value);
        return new ApiResponse(status, copy, body);
    }

    public ApiResponse withoutHeader(String name) {
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        copy.remove(name);
        return new ApiResponse(status, copy, body);
    }

    /** The body length in bytes, or -1 when a stream of unknown length. */
    public long contentLength() {
        return switch (body) {
            case Bytes b -> b.bytes().length;
            case Streaming s -> s.length();
        };
    }

    /** The whole body; a streamed body is read to the end and closed. */
    public byte[] bodyBytes() {
        return switch (body) {
            case Bytes b -> b.bytes();
            case Streaming s -> {
                try (InputStream in = s.in()) {
                    yield in.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the response body", e);
                }
            }
        };
    }

    /** Copies the body to {@code out} (a streamed body is closed afterwards). */
    public void writeBody(OutputStream out) throws IOException {
        switch (body) {
            case Bytes b -> out.write(b.bytes());
            case Streaming s -> {
                try (InputStream in = s.in()) {
                    in.transferTo(out);
                }
            }
        }
    }

    /** Releases a streamed body that will not be sent (a HEAD request, a client that went away). */
    public void discardBody() {
        if (body instanceof Streaming s) {
            try {
                s.in().close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }

    /** The same response without a body but with its headers, as HEAD answers. */
    ApiResponse withoutBody() {
        discardBody();
        long length = contentLength();
        ApiResponse headOnly = new ApiResponse(status, headers, null);
        return length >= 0 && !headers.containsKey("Content-Length")
                ? headOnly.withHeader("Content-Length", Long.toString(length))
                : headOnly;
    }

    @Override
    public String toString() {
        return "ApiResponse[" + status + ", " + headers + ", " + contentLength() + " bytes]";
    }
}
