package dev.verge.cloud.api;

import dev.verge.cloud.json.CloudJson;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.util.Map;
import java.util.Optional;

/** A request matched to a route: the request, its decoded path parameters and the authenticated caller. */
public record ApiCall(ApiRequest request, Map<String, String> pathParams, Caller caller) {

    public ApiCall {
        pathParams = Map.copyOf(pathParams);
    }

    /** A path parameter of the route pattern, such as {@code name} in {@code /api/models/{name}}. */
    public String path(String name) {
        String value = pathParams.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the route has no path parameter {" + name + "}");
        }
        return value;
    }

    public Optional<String> query(String name) {
        return request.queryParam(name);
    }

    public Optional<String> header(String name) {
        return request.header(name);
    }

    /** Reads the body as JSON into {@code type}; 400 {@code json_invalid} saying what was wrong. */
    public <T> T jsonBody(Class<T> type) {
        try (var in = request.body()) {
            byte[] bytes = in.readNBytes(1024 * 1024 + 1);
            if (bytes.length > 1024 * 1024) {
                throw new VergeException(ErrorKind.PAYLOAD_TOO_LARGE, "body_too_large",
                        "expected a JSON body of at most 1 MiB, found more");
            }
            if (bytes.length == 0) {
                throw new VergeException(ErrorKind.BAD_REQUEST, "json_invalid",
                        "expected a JSON object as " + type.getSimpleName() + ", found an empty body");
            }
            T value = CloudJson.mapper().readValue(bytes, type);
            if (value == null) {
                throw new VergeException(ErrorKind.BAD_REQUEST, "json_invalid",
                        "expected a JSON object as " + type.getSimpleName() + ", found null");
            }
            return value;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "json_invalid",
                    "expected a JSON object as " + type.getSimpleName() + ": " + e.getOriginalMessage());
        } catch (java.io.CharConversionException e) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "json_invalid",
                    "expected a JSON object as " + type.getSimpleName() + " in UTF-8, found bytes that are not text: "
                            + e.getMessage());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the request body", e);
        }
    }
}
