package dev.verge.edge;

import dev.verge.error.VergeException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One method + path the agent answers; {@code name} labels its metrics. The path is a template
 * ({@code /v2/models/{name}/infer} captures {@code name}, never across a slash) or, when several
 * paths share one endpoint (the Custom Vision container's aliases), a regular expression.
 */
record Route(String method, String name, Pattern path, List<String> params, Endpoint endpoint, ErrorFormat errors) {

    @FunctionalInterface
    interface Endpoint {
        Reply handle(Request request) throws IOException;
    }

    /** The JSON body of an error on this route: Verge's {@code {"error", "message"}} unless the protocol has its own. */
    @FunctionalInterface
    interface ErrorFormat {
        Object body(VergeException e);
    }

    static final ErrorFormat VERGE_ERRORS = VergeException::body;

    private static final Pattern PARAM = Pattern.compile("\\{([a-zA-Z]+)}");

    static Route get(String name, String template, Endpoint endpoint) {
        return of("GET", name, template, endpoint);
    }

    static Route post(String name, String template, Endpoint endpoint) {
        return of("POST", name, template, endpoint);
    }

    static Route post(String name, Pattern path, Endpoint endpoint) {
        return new Route("POST", name, path, List.of(), endpoint, VERGE_ERRORS);
    }

    /** As {@link #post(String, Pattern, Endpoint)}, capturing the regular expression's named groups {@code params}. */
    static Route post(String name, Pattern path, List<String> params, Endpoint endpoint) {
        return new Route("POST", name, path, List.copyOf(params), endpoint, VERGE_ERRORS);
    }

    private static Route of(String method, String name, String template, Endpoint endpoint) {
        List<String> params = new ArrayList<>();
        StringBuilder regex = new StringBuilder();
        Matcher m = PARAM.matcher(template);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start()))).append("(?<").append(m.group(1)).append(">[^/]+)");
            params.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        return new Route(method, name, Pattern.compile(regex.toString()), List.copyOf(params), endpoint, VERGE_ERRORS);
    }

    /** This route with its errors in {@code format}. */
    Route withErrors(ErrorFormat format) {
        return new Route(method, name, path, params, endpoint, format);
    }

    /** The captured path parameters when {@code requestPath} is this route's path. */
    Optional<Map<String, String>> match(String requestPath) {
        Matcher m = path.matcher(requestPath);
        if (!m.matches()) {
            return Optional.empty();
        }
        Map<String, String> values = new HashMap<>();
        for (String param : params) {
            String value = m.group(param);
            if (value != null) {
                values.put(param, value);
            }
        }
        return Optional.of(values);
    }
}
