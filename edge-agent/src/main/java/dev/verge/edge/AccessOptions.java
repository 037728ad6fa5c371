package dev.verge.edge;

import static dev.verge.edge.AccessSettings.*;

import java.util.List;
import picocli.CommandLine.Option;

/** The command-line options of {@link AccessSettings}, mixed into {@link Main}. */
final class AccessOptions {

    @Option(names = "--url-allow", paramLabel = "<host|CIDR>", split = ",", defaultValue = "${env:" + ENV_URL_ALLOW + "}",
            description = "POST /url may fetch from this host, address or network too (repeatable, or comma-separated),"
                    + " e.g. a camera at 192.168.1.20 or 192.168.1.0/24; by default only public internet addresses."
                    + " Env: " + ENV_URL_ALLOW + ".")
    List<String> urlAllow;

    @Option(names = "--client-key", paramLabel = "<key>", split = ",", defaultValue = "${env:" + ENV_CLIENT_KEYS + "}",
            description = "Callers must send one of these keys as Prediction-Key or X-Api-Key (repeatable, or"
                    + " comma-separated) on every route but /v2/health/* and /; prefer the environment variable:"
                    + " command lines are visible to other users. Env: " + ENV_CLIENT_KEYS + ".")
    List<String> clientKeys;

    @Option(names = "--tls-cert", paramLabel = "<pem>", defaultValue = "${env:" + ENV_TLS_CERT + "}",
            description = "PEM certificate chain (the agent's certificate first); with --tls-key the port serves HTTPS only,"
                    + " and a renewed file is served from the next connection on. Env: " + ENV_TLS_CERT + ".")
    String tlsCert;

    @Option(names = "--tls-key", paramLabel = "<pem>", defaultValue = "${env:" + ENV_TLS_KEY + "}",
            description = "PEM PKCS#8 private key (BEGIN PRIVATE KEY) of --tls-cert. Env: " + ENV_TLS_KEY + ".")
    String tlsKey;

    AccessSettings settings() {
        return new AccessSettings(given(urlAllow), given(clientKeys), path(tlsCert), path(tlsKey));
    }

    private static java.nio.file.Path path(String value) {
        return value == null || value.isBlank() ? null : java.nio.file.Path.of(value.strip());
    }

    /** Empty entries count as none: deployment files keep empty slots ({@code VERGE_URL_ALLOW=}). */
    private static List<String> given(List<String> values) {
        return values == null ? List.of() : values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
    }
}
