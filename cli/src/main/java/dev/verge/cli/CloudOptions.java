package dev.verge.cli;

import picocli.CommandLine.Option;

/** Where the cloud is and how to authenticate: shared by every command that talks to it. */
final class CloudOptions {
    @Option(names = "--cloud", defaultValue = "${env:VERGE_CLOUD:-http://127.0.0.1:7071}",
            description = "cloud API base URL (default: $VERGE_CLOUD or ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--api-key", defaultValue = "${env:VERGE_API_KEY}",
            description = "registry API key (default: $VERGE_API_KEY)")
    String apiKey;

    CloudClient client() {
        return new CloudClient(url, apiKey);
    }
}
