package dev.verge.wire.desired;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * What the cloud tells one device to run, as a statement it signs (protocol 2 of
 * {@code GET /api/devices/{id}/desired}, carried in a {@link SignedStatement}). Like a TUF or Uptane
 * targets file it says for whom ({@code deviceId}, {@code group}), which revision (strictly increasing
 * per device, so an older statement replayed is refused) and until when ({@code expiresAt}, so a
 * statement held back by an attacker stops installing anything). Times are ISO-8601 UTC.
 *
 * @param models   every model the device runs, each with the package's digest, size and download location,
 *                 which one is the default and its shadow candidate, if any; empty when nothing is deployed
 * @param sampling the deployment's sample capture settings, as the agent reads them; null: none
 * @param keys     the keys the device should trust to sign its next statements (the current signing key
 *                 and, during a rotation, the next one)
 */
@JsonPropertyOrder({"type", "protocol", "deviceId", "group", "revision", "issuedAt", "expiresAt", "models", "sampling",
        "pollSeconds", "keys"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DesiredStatement(
        String type,
        int protocol,
        String deviceId,
        String group,
        long revision,
        String issuedAt,
        String expiresAt,
        List<ModelEntry> models,
        Map<String, Object> sampling,
        Integer pollSeconds,
        List<SigningKey> keys) {

    public static final String TYPE = "verge-desired-state";
    public static final int PROTOCOL = 2;

    /**
     * One model the device runs; a device runs every model listed, each under its own name.
     *
     * @param signature the package's own Ed25519 signature ({@code PackageSignature}): what lets a device check
     *                  a package it kept on disk when it starts offline, without the statement that named it
     * @param isDefault {@code "default"}: the model plain {@code /image} and {@code /url} answer with; at most one
     *                  entry says true. Null or false on every entry (a cloud from before several models): the first
     * @param shadow    a candidate version run beside this one on a share of its requests, after each answer is sent;
     *                  null: none
     */
    @JsonPropertyOrder({"name", "version", "sha256", "size", "url", "signature", "deployment", "default", "shadow"})
    public record ModelEntry(String name, String version, String sha256, long size, String url, String signature,
                             Deployment deployment, @JsonProperty("default") Boolean isDefault, Shadow shadow) {

        /** An entry as a cloud from before several models wrote it: no default flag, no shadow. */
        public ModelEntry(String name, String version, String sha256, long size, String url, String signature,
                          Deployment deployment) {
            this(name, version, sha256, size, url, signature, deployment, null, null);
        }

        /** True when this entry says it is the default model. */
        public boolean defaultModel() {
            return Boolean.TRUE.equals(isDefault);
        }
    }

    /**
     * A shadow candidate of a model (same name): its package as a {@link ModelEntry} names one, and the percent of
     * the model's requests it runs on (0..100).
     */
    @JsonPropertyOrder({"version", "sha256", "size", "url", "signature", "percent", "deployment"})
    public record Shadow(String version, String sha256, long size, String url, String signature, int percent,
                         Deployment deployment) {}

    /** The deployment that sends the model and the device's part in it ({@code canary} or {@code stable}). */
    public record Deployment(String id, String strategy, String role) {}

    /** A public key (Base64 X.509) and its id, the first 16 hex digits of the SHA-256 of its encoding. */
    public record SigningKey(String keyId, String publicKey) {}
}
