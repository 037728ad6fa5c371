package dev.verge.cloud.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A model version as stored in collection {@code model-versions} under key {@code <name>/<version>}.
 * The content (digest, manifest, validation result, source) never changes once registered; only a
 * pending claim becomes registered, and a rejected record may be replaced by a new upload.
 *
 * @param sha256      hex SHA-256 of the package zip: the version's identity; the same bytes again are
 *                    the same version, different bytes are a conflict
 * @param packageKey  blob key of the stored package, null when rejected
 * @param packageEtag the blob's ETag after storing, to recognise our own blob-created event
 * @param manifest    the package's manifest.json as sent (null when it was not JSON)
 * @param model       what loading the model showed; null unless registered
 * @param reasons     why it was rejected; empty otherwise
 * @param artifact    for a version published elsewhere (a container image, an MLflow model), where
 *                    it is; null for a package held by the registry ({@code packageKey})
 */
public record VersionRecord(
        String name,
        String version,
        VersionStatus status,
        String sha256,
        long size,
        String packageKey,
        String packageEtag,
        JsonNode manifest,
        ValidatedModel model,
        PackageSource source,
        List<Reason> reasons,
        Instant createdAt,
        Instant updatedAt,
        ArtifactRef artifact) {

    public static final String COLLECTION = "model-versions";

    public VersionRecord {
        reasons = reasons == null ? List.of() : List.copyOf(reasons);
    }

    /** A version whose package the registry holds. */
    public VersionRecord(String name, String version, VersionStatus status, String sha256, long size, String packageKey,
                         String packageEtag, JsonNode manifest, ValidatedModel model, PackageSource source,
                         List<Reason> reasons, Instant createdAt, Instant updatedAt) {
        this(name, version, status, sha256, size, packageKey, packageEtag, manifest, model, source, reasons, createdAt,
                updatedAt, null);
    }

    public static String key(String name, String version) {
        return name + "/" + version;
    }

    public String key() {
        return key(name, version);
    }

    VersionRecord registered(String blobKey, String blobEtag, Instant at) {
        return new VersionRecord(name, version, VersionStatus.REGISTERED, sha256, size, blobKey, blobEtag, manifest,
                model, source, List.of(), createdAt, at, artifact);
    }
}
