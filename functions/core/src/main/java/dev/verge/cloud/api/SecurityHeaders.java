package dev.verge.cloud.api;

/**
 * The headers every answer of the API and the dashboard carries: no sniffing a JSON body into HTML, no framing
 * (clickjacking), no Referer leaking a URL with a key in it, and a Content-Security-Policy that allows nothing
 * unless the answer (the dashboard's page) says what it uses.
 */
public final class SecurityHeaders {
    /** For answers that are not pages: nothing may load or run from them. */
    public static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private SecurityHeaders() {}

    public static ApiResponse apply(ApiResponse response) {
        ApiResponse out = response
                .withHeader("X-Content-Type-Options", "nosniff")
                .withHeader("X-Frame-Options", "DENY")
                .withHeader("Referrer-Policy", "no-referrer");
        return out.header("Content-Security-Policy").isPresent() ? out : out.withHeader("Content-Security-Policy", API_POLICY);
    }
}
