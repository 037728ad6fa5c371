package dev.verge.cloud.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** A model version as the registry API shows it: the stored record with its stage and stage history. */
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
        List<StageChange> history) {

    static ModelVersion of(VersionRecord record, ModelStages stages) {
        return new ModelVersion(record.name(), record.version(), record.status(), stages.stageOf(record.version()),
                record.sha256(), record.size(), record.manifest(), record.model(), record.source(), record.reasons(),
                record.createdAt(), record.updatedAt(), stages.historyOf(record.version()));
    }

    /** Only registered versions may be deployed or downloaded. */
    public boolean deployable() {
        return status == VersionStatus.REGISTERED;
    }
}
