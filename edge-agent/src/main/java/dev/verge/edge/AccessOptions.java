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

    AccessSettings settings() {
        return new AccessSettings(given(urlAllow), given(clientKeys));
    }

    /** Empty entries count as none: deployment files keep empty slots ({@code VERGE_URL_ALLOW=}). */
    private static List<String> given(List<String> values) {
        return values == null ? List.of() : values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
    }
}
