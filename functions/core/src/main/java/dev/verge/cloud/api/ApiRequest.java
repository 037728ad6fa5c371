package dev.verge.cloud.api;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP request, as every runtime (local server, API Gateway, Azure HttpTrigger) hands it to
 * {@link CloudApi}.
 *
 * @param method  HTTP method, upper-cased
 * @param path    the path as sent, percent-encoding kept (for example {@code /api/models/a%20b/versions}),
 *                without the query string; {@link CloudApi} splits it on '/' before decoding
 * @param headers header values by name; lookups are case-insensitive
 * @param query   decoded query parameters
 * @param body    the body, streamed; an empty stream when there is none
 */
public record ApiRequest(
        String method, String path, Map<String, List<String>> headers, Map<String, List<String>> query, InputStream body) {

    public ApiRequest {
        method = method.toUpperCase(Locale.ROOT);
        path = path == null || path.isEmpty() ? "/" : path;
        TreeMap<String, List<String>> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (headers != null) {
            headers.forEach((name, values) -> {
                if (name != null && values != null) {
                    caseInsensitive.computeIfAbsent(name, k -> new ArrayList<>()).addAll(values);
                }
            });
        }
        caseInsensitive.replaceAll((k, v) -> List.copyOf(v));
        headers = Collections.unmodifiableMap(caseInsensitive);
        Map<String, List<String>> queryCopy = new LinkedHashMap<>();
        if (query != null) {
            query.forEach((name, values) -> queryCopy.put(name, values == null ? List.of() : List.copyOf(values)));
        }
        query = Collections.unmodifiableMap(queryCopy);
        body = body == null ? InputStream.nullInputStream() : body;
    }

    /** A request from a path that may carry a raw query string ({@code /api/x?a=1}). */
    public static ApiRequest of(String method, String pathAndQuery, Map<String, List<String>> headers, InputStream body) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String rawQuery = q < 0 ? null : pathAndQuery.substring(q + 1);
        return new ApiRequest(method, path, headers, UriPaths.parseQuery(rawQuery), body);
    }

    /** The first value of a header, whatever the case of its name. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
    }

    /** The first value of a query parameter. */
    public Optional<String> queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
    }

    /** The media type of the body without parameters, lower-cased ({@code application/zip}), if sent. */
    public Optional<String> mediaType() {
        return header("Content-Type")
                .map(v -> v.split(";", 2)[0].strip().toLowerCase(Locale.ROOT))
                .filter(v -> !v.isEmpty());
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
