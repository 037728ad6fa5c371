package dev.verge.wire.desired;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param models   what the device runs, each with the package's digest, size and download location;
 *                 empty when nothing is deployed to the device
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
     * One model the device runs.
     *
     * @param signature the package's own Ed25519 signature ({@code PackageSignature}): what lets a device check
     *                  a package it kept on disk when it starts offline, without the statement that named it
     */
    @JsonPropertyOrder({"name", "version", "sha256", "size", "url", "signature", "deployment"})
    public record ModelEntry(String name, String version, String sha256, long size, String url, String signature,
                             Deployment deployment) {}

    /** The deployment that sends the model and the device's part in it ({@code canary} or {@code stable}). */
    public record Deployment(String id, String strategy, String role) {}

    /** A public key (Base64 X.509) and its id, the first 16 hex digits of the SHA-256 of its encoding. */
    public record SigningKey(String keyId, String publicKey) {}
}
