package dev.verge.cloud.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A model version as the registry API shows it: the stored record with its stage and stage history.
 * {@code artifact} is set for versions published elsewhere (a container image, ...), null for packages.
 */
public record ModelVersion(
        String name,
        String version,
        VersionStatus status,
        Stage stage,
        String sha256,
        long size,
        JsonNode manifest,
        ValidatedModel model,
        PackageSource source,
        List<Reason> reasons,
        Instant createdAt,
        Instant updatedAt,
        List<StageChange> history,
        ArtifactRef artifact) {

    public ModelVersion(String name, String version, VersionStatus status, Stage stage, String sha256, long size,
                        JsonNode manifest, ValidatedModel model, PackageSource source, List<Reason> reasons,
                        Instant createdAt, Instant updatedAt, List<StageChange> history) {
        this(name, version, status, stage, sha256, size, manifest, model, source, reasons, createdAt, updatedAt, history, null);
    }

    static ModelVersion of(VersionRecord record, ModelStages stages) {
        return new ModelVersion(record.name(), record.version(), record.status(), stages.stageOf(record.version()),
                record.sha256(), record.size(), record.manifest(), record.model(), record.source(), record.reasons(),
                record.createdAt(), record.updatedAt(), stages.historyOf(record.version()), record.artifact());
    }

    /** Only registered versions may be deployed or downloaded. */
    public boolean deployable() {
        return status == VersionStatus.REGISTERED;
    }
}
