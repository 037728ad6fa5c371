package dev.verge.edge.sync;

import static dev.verge.edge.SettingValues.duration;

import dev.verge.inference.pkg.PackageSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;

/**
 * How the agent follows the cloud: where the cloud is, who this device is, which key signs the packages it
 * may load, and where it keeps them. One component of {@link dev.verge.edge.AgentSettings} (null there when
 * sync is off); its flags and variables are listed by {@code AgentOptions}.
 *
 * @param cloud           base URL of the cloud API, e.g. {@code https://verge.example.com} (routes start with /api)
 * @param deviceId        this device's id, sent as {@code X-Device-Id}
 * @param deviceKey       this device's key, sent as {@code X-Device-Key}; never logged
 * @param trustedKeys     the cloud's Ed25519 public keys (one, or two during a key rotation): only desired states and
 *                        packages one of them signed are taken; the keys a signed desired state announces are
 *                        trusted as well (kept in the state directory)
 * @param stateDir        where the current and the last good package and {@code state.json} live
 * @param pollInterval    time between polls until the cloud's {@code pollSeconds} says otherwise
 * @param timeout         connect timeout and time limit of each cloud call; a download may stall no longer
 * @param retryDelay      first wait after a failed poll; each further failure doubles it
 * @param maxBackoff      the longest wait between failed polls (before jitter)
 * @param maxPackageBytes largest package the agent downloads
 * @param cloudFallback   while no model is loaded, forward {@code /image} and {@code /url} to the cloud's predict
 *                        route for the model the desired state names (instead of answering 503 at once)
 * @param maxClockSkew    how far this device's clock may be from the cloud's: a desired state counts as expired
 *                        only this long after its {@code expiresAt}
 * @param tls             a private CA to trust and a client certificate for the cloud ({@link CloudTls})
 */
public record SyncSettings(
        URI cloud,
        String deviceId,
        String deviceKey,
        List<PublicKey> trustedKeys,
        Path stateDir,
        Duration pollInterval,
        Duration timeout,
        Duration retryDelay,
        Duration maxBackoff,
        long maxPackageBytes,
        boolean cloudFallback,
        Duration maxClockSkew,
        CloudTls tls) {

    public static final String ENV_CLOUD = "VERGE_CLOUD";
    public static final String ENV_DEVICE_ID = "VERGE_DEVICE_ID";
    public static final String ENV_DEVICE_KEY = "VERGE_DEVICE_KEY";
    public static final String ENV_TRUSTED_KEY = "VERGE_TRUSTED_KEY";
    public static final String ENV_STATE_DIR = "VERGE_STATE_DIR";
    public static final String ENV_POLL_INTERVAL = "VERGE_SYNC_POLL_INTERVAL";
    public static final String ENV_TIMEOUT = "VERGE_SYNC_TIMEOUT";
    public static final String ENV_RETRY_DELAY = "VERGE_SYNC_RETRY_DELAY";
    public static final String ENV_MAX_BACKOFF = "VERGE_SYNC_MAX_BACKOFF";
    public static final String ENV_CLOUD_FALLBACK = "VERGE_CLOUD_FALLBACK";
    public static final String ENV_MAX_CLOCK_SKEW = "VERGE_MAX_CLOCK_SKEW";

    /** XDG's place for state that outlives restarts; systemd units set VERGE_STATE_DIR=/var/lib/verge instead. */
    public static final String DEFAULT_STATE_DIR = "~/.local/state/verge";
    public static final String DEFAULT_POLL_INTERVAL = "30s";
    public static final String DEFAULT_TIMEOUT = "10s";
    public static final String DEFAULT_RETRY_DELAY = "1s";
    public static final String DEFAULT_MAX_BACKOFF = "5m";
    public static final String DEFAULT_CLOUD_FALLBACK = "false";
    public static final String DEFAULT_MAX_CLOCK_SKEW = "5m";
    /** As large as a package the cloud registers: the limit every runtime shares. */
    public static final long DEFAULT_MAX_PACKAGE_BYTES = dev.verge.inference.pkg.ZipLimits.MAX_PACKAGE_BYTES;

    public SyncSettings {
        if (cloud == null || !("http".equals(cloud.getScheme()) || "https".equals(cloud.getScheme()))
                || cloud.getHost() == null) {
            throw new IllegalArgumentException("expected the cloud as an http:// or https:// URL, found " + cloud);
        }
        if (deviceId == null || deviceId.isBlank() || deviceKey == null || deviceKey.isBlank()) {
            throw new IllegalArgumentException("sync needs a device id and a device key (--device-id, --device-key or "
                    + ENV_DEVICE_ID + ", " + ENV_DEVICE_KEY + ")");
        }
        if (trustedKeys == null || trustedKeys.isEmpty()) {
            throw new IllegalArgumentException("sync needs the cloud's signing key (--trusted-key or "
                    + ENV_TRUSTED_KEY + "): the agent takes only signed desired states and packages");
        }
        trustedKeys = List.copyOf(trustedKeys);
        maxClockSkew = maxClockSkew == null ? duration(DEFAULT_MAX_CLOCK_SKEW) : maxClockSkew;
        tls = tls == null ? CloudTls.DEFAULT : tls;
        if (maxClockSkew.isNegative()) {
            throw new IllegalArgumentException("expected a clock skew of 0 or more, found " + maxClockSkew);
        }
        if (stateDir == null) {
            throw new IllegalArgumentException("sync needs a state directory (--state-dir or " + ENV_STATE_DIR + ")");
        }
        for (Duration d : new Duration[] {pollInterval, timeout, retryDelay, maxBackoff}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("sync durations must be positive, found " + d);
            }
        }
        if (maxBackoff.compareTo(retryDelay) <= 0) {
            throw new IllegalArgumentException("the maximum backoff (" + maxBackoff + ") must be longer than the retry delay ("
                    + retryDelay + ")");
        }
        if (maxPackageBytes <= 0) {
            throw new IllegalArgumentException("the largest package must be positive, found " + maxPackageBytes);
        }
    }

    /** As the full constructor, without a private CA or client certificate. */
    public SyncSettings(URI cloud, String deviceId, String deviceKey, List<PublicKey> trustedKeys, Path stateDir,
                        Duration pollInterval, Duration timeout, Duration retryDelay, Duration maxBackoff, long maxPackageBytes,
                        boolean cloudFallback, Duration maxClockSkew) {
        this(cloud, deviceId, deviceKey, trustedKeys, stateDir, pollInterval, timeout, retryDelay, maxBackoff, maxPackageBytes,
                cloudFallback, maxClockSkew, CloudTls.DEFAULT);
    }

    public SyncSettings withTls(CloudTls newTls) {
        return new SyncSettings(cloud, deviceId, deviceKey, trustedKeys, stateDir, pollInterval, timeout,
                retryDelay, maxBackoff, maxPackageBytes, cloudFallback, maxClockSkew, newTls);
    }

    /** The documented defaults for everything but the cloud, the device and the key. */
    public static SyncSettings of(URI cloud, String deviceId, String deviceKey, PublicKey trustedKey, Path stateDir) {
        return new SyncSettings(cloud, deviceId, deviceKey, List.of(trustedKey), stateDir, duration(DEFAULT_POLL_INTERVAL),
                duration(DEFAULT_TIMEOUT), duration(DEFAULT_RETRY_DELAY), duration(DEFAULT_MAX_BACKOFF), DEFAULT_MAX_PACKAGE_BYTES,
                Boolean.parseBoolean(DEFAULT_CLOUD_FALLBACK), null, CloudTls.DEFAULT);
    }

    public SyncSettings withTimings(Duration newPollInterval, Duration newTimeout, Duration newRetryDelay, Duration newMaxBackoff) {
        return new SyncSettings(cloud, deviceId, deviceKey, trustedKeys, stateDir, newPollInterval, newTimeout,
                newRetryDelay, newMaxBackoff, maxPackageBytes, cloudFallback, maxClockSkew, tls);
    }

    public SyncSettings withCloud(URI newCloud) {
        return new SyncSettings(newCloud, deviceId, deviceKey, trustedKeys, stateDir, pollInterval, timeout,
                retryDelay, maxBackoff, maxPackageBytes, cloudFallback, maxClockSkew, tls);
    }

    public SyncSettings withCloudFallback(boolean on) {
        return new SyncSettings(cloud, deviceId, deviceKey, trustedKeys, stateDir, pollInterval, timeout,
                retryDelay, maxBackoff, maxPackageBytes, on, maxClockSkew, tls);
    }

    public SyncSettings withStateDir(Path newStateDir) {
        return new SyncSettings(cloud, deviceId, deviceKey, trustedKeys, newStateDir, pollInterval, timeout,
                retryDelay, maxBackoff, maxPackageBytes, cloudFallback, maxClockSkew, tls);
    }

    public SyncSettings withTrustedKeys(List<PublicKey> keys) {
        return new SyncSettings(cloud, deviceId, deviceKey, keys, stateDir, pollInterval, timeout,
                retryDelay, maxBackoff, maxPackageBytes, cloudFallback, maxClockSkew, tls);
    }

    public SyncSettings withMaxClockSkew(Duration skew) {
        return new SyncSettings(cloud, deviceId, deviceKey, trustedKeys, stateDir, pollInterval, timeout,
                retryDelay, maxBackoff, maxPackageBytes, cloudFallback, skew, tls);
    }

    /** Each of {@code keysOrFiles} as {@link #trustedKey} reads it. */
    public static List<PublicKey> trustedKeys(List<String> keysOrFiles) {
        return keysOrFiles.stream().map(SyncSettings::trustedKey).toList();
    }

    /**
     * The trusted key as given: Base64 of the X.509 encoding, PEM, or the path of a file holding either
     * (a systemd credential or a mounted secret).
     */
    public static PublicKey trustedKey(String keyOrFile) {
        if (keyOrFile == null || keyOrFile.isBlank()) {
            throw new IllegalArgumentException("expected the cloud's Ed25519 public key (Base64, PEM or a file), found nothing");
        }
        String text = keyOrFile.strip();
        if (!text.startsWith("-----")) {
            try {
                Path file = Path.of(text);
                if (Files.isRegularFile(file)) {
                    text = Files.readString(file);
                }
            } catch (java.nio.file.InvalidPathException notAPath) {
                // Base64 with characters no path may hold: read as a key below
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the trusted key file " + text, e);
            }
        }
        return PackageSignature.publicKey(text);
    }

    /** {@code ~/...} as the user's home; other paths as given. */
    public static Path path(String text) {
        if (text.equals("~") || text.startsWith("~/")) {
            return Path.of(System.getProperty("user.home")).resolve(text.substring(Math.min(2, text.length())));
        }
        return Path.of(text);
    }
}
