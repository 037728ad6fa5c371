package dev.verge.edge;

import static dev.verge.edge.sync.SyncSettings.*;

import dev.verge.edge.AgentOptions.Needed;
import dev.verge.edge.AgentOptions.Requirement;
import dev.verge.edge.sync.CloudTls;
import dev.verge.edge.sync.SyncSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/** The command-line options of model sync, mixed into {@link Main}; {@link #settings()} is null when sync is off. */
final class SyncOptions {

    @Option(names = "--cloud", paramLabel = "<url>", defaultValue = "${env:" + ENV_CLOUD + "}",
            description = "Cloud to follow, e.g. https://verge.example.com: turns on model sync (then --model is optional). Env: " + ENV_CLOUD + ".")
    String cloud;

    @Needed(Requirement.WITH_CLOUD)
    @Option(names = "--device-id", paramLabel = "<id>", defaultValue = "${env:" + ENV_DEVICE_ID + "}",
            description = "This device's id in the cloud. Env: " + ENV_DEVICE_ID + ".")
    String deviceId;

    @Needed(Requirement.WITH_CLOUD)
    @Option(names = "--device-key", paramLabel = "<key>", defaultValue = "${env:" + ENV_DEVICE_KEY + "}",
            description = "This device's key (prefer the environment variable: command lines are visible to other users). Env: " + ENV_DEVICE_KEY + ".")
    String deviceKey;

    @Needed(Requirement.WITH_CLOUD)
    @Option(names = "--trusted-key", paramLabel = "<key|file>", split = ",", defaultValue = "${env:" + ENV_TRUSTED_KEY + "}",
            description = "The cloud's Ed25519 signing public key (Base64 X.509 or PEM, or a file holding it); repeat it during a key rotation. Only desired states and packages it signed are taken. Env: " + ENV_TRUSTED_KEY + " (comma-separated).")
    List<String> trustedKeys;

    @Option(names = "--max-clock-skew", paramLabel = "<duration>", converter = Main.DurationConverter.class,
            defaultValue = "${env:" + ENV_MAX_CLOCK_SKEW + ":-" + DEFAULT_MAX_CLOCK_SKEW + "}",
            description = "How far this device's clock may be off: a signed desired state counts as expired only this long after its expiry (default: ${DEFAULT-VALUE}). Env: " + ENV_MAX_CLOCK_SKEW + ".")
    Duration maxClockSkew;

    @Option(names = "--state-dir", paramLabel = "<dir>", defaultValue = "${env:" + ENV_STATE_DIR + ":-" + DEFAULT_STATE_DIR + "}",
            description = "Keeps the current and the last good package, served at once on restart (default: ${DEFAULT-VALUE}). Env: " + ENV_STATE_DIR + ".")
    String stateDir;

    @Option(names = "--sync-poll-interval", paramLabel = "<duration>", converter = Main.DurationConverter.class,
            defaultValue = "${env:" + ENV_POLL_INTERVAL + ":-" + DEFAULT_POLL_INTERVAL + "}",
            description = "Time between polls until the cloud sets its own (default: ${DEFAULT-VALUE}). Env: " + ENV_POLL_INTERVAL + ".")
    Duration pollInterval;

    @Option(names = "--sync-timeout", paramLabel = "<duration>", converter = Main.DurationConverter.class,
            defaultValue = "${env:" + ENV_TIMEOUT + ":-" + DEFAULT_TIMEOUT + "}",
            description = "Connect timeout and limit of each cloud call; a download may stall no longer (default: ${DEFAULT-VALUE}). Env: " + ENV_TIMEOUT + ".")
    Duration timeout;

    @Option(names = "--sync-retry-delay", paramLabel = "<duration>", converter = Main.DurationConverter.class,
            defaultValue = "${env:" + ENV_RETRY_DELAY + ":-" + DEFAULT_RETRY_DELAY + "}",
            description = "First wait after a failed poll, doubled on each further failure (default: ${DEFAULT-VALUE}). Env: " + ENV_RETRY_DELAY + ".")
    Duration retryDelay;

    @Option(names = "--sync-max-backoff", paramLabel = "<duration>", converter = Main.DurationConverter.class,
            defaultValue = "${env:" + ENV_MAX_BACKOFF + ":-" + DEFAULT_MAX_BACKOFF + "}",
            description = "Longest wait between failed polls, before +-25%% jitter (default: ${DEFAULT-VALUE}). Env: " + ENV_MAX_BACKOFF + ".")
    Duration maxBackoff;

    @Option(names = "--cloud-fallback", defaultValue = "${env:" + ENV_CLOUD_FALLBACK + ":-" + DEFAULT_CLOUD_FALLBACK + "}",
            description = "While no model is loaded, forward POST /image and /url to the cloud's predict route for the model the desired state names (needs --cloud; default: ${DEFAULT-VALUE}). Env: " + ENV_CLOUD_FALLBACK + ".")
    boolean cloudFallback;

    @Option(names = "--cloud-ca", paramLabel = "<pem>", defaultValue = "${env:" + CloudTls.ENV_CLOUD_CA + "}",
            description = "PEM bundle of the CAs that sign the cloud's certificate (a private CA); then only they are trusted. Env: " + CloudTls.ENV_CLOUD_CA + ".")
    String cloudCa;

    @Option(names = "--cloud-client-cert", paramLabel = "<pem>", defaultValue = "${env:" + CloudTls.ENV_CLOUD_CLIENT_CERT + "}",
            description = "PEM certificate chain this device presents to the cloud (mutual TLS), with --cloud-client-key. Env: " + CloudTls.ENV_CLOUD_CLIENT_CERT + ".")
    String cloudClientCert;

    @Option(names = "--cloud-client-key", paramLabel = "<pem>", defaultValue = "${env:" + CloudTls.ENV_CLOUD_CLIENT_KEY + "}",
            description = "PEM PKCS#8 private key of --cloud-client-cert. Env: " + CloudTls.ENV_CLOUD_CLIENT_KEY + ".")
    String cloudClientKey;

    /**
     * Null when no cloud is given; the device and key options without a cloud are a mistake worth stopping for.
     * An empty value counts as not given (deployment files keep empty slots, e.g. {@code VERGE_CLOUD=}).
     */
    SyncSettings settings() {
        String cloud = given(this.cloud);
        String deviceId = given(this.deviceId);
        String deviceKey = given(this.deviceKey);
        List<String> trustedKeys = this.trustedKeys == null ? List.of()
                : this.trustedKeys.stream().filter(k -> given(k) != null).toList();
        if (cloud == null) {
            if (deviceId != null || deviceKey != null || !trustedKeys.isEmpty() || cloudFallback || given(cloudCa) != null
                    || given(cloudClientCert) != null || given(cloudClientKey) != null) {
                throw new IllegalArgumentException("--device-id, --device-key, --trusted-key, --cloud-fallback and --cloud-ca/-client-* need"
                        + " --cloud <url> (or " + ENV_CLOUD + ")");
            }
            return null;
        }
        URI uri;
        try {
            uri = URI.create(cloud.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected the cloud as an http:// or https:// URL, found '" + cloud + "'");
        }
        CloudTls tls = new CloudTls(pathOrNull(cloudCa), pathOrNull(cloudClientCert), pathOrNull(cloudClientKey));
        return new SyncSettings(uri, deviceId, deviceKey, SyncSettings.trustedKeys(trustedKeys), SyncSettings.path(stateDir),
                pollInterval, timeout, retryDelay, maxBackoff, DEFAULT_MAX_PACKAGE_BYTES, cloudFallback, maxClockSkew, tls);
    }

    private static java.nio.file.Path pathOrNull(String value) {
        String given = given(value);
        return given == null ? null : SyncSettings.path(given.strip());
    }

    private static String given(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
