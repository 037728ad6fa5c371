package dev.verge.cloud.registry;

import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.JsonCollection.Revisioned;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What the registry holds: models, versions, production versions, and packages to download. */
public final class ModelQueries {
    private final BlobStore blobs;
    private final VersionRecords records;
    private final JsonCollection<VersionRecord> versions;
    private final JsonCollection<ModelStages> stages;

    ModelQueries(BlobStore blobs, VersionRecords records) {
        this.blobs = blobs;
        this.records = records;
        this.versions = records.versions;
        this.stages = records.stages;
    }

    /** Every model with at least one recorded version, by name. */
    public List<ModelSummary> listModels() {
        Map<String, List<VersionRecord>> byName = versions.list("").stream()
                .map(Revisioned::value)
                .collect(Collectors.groupingBy(VersionRecord::name, TreeMap::new, Collectors.toList()));
        Map<String, ModelStages> stagesByName = stages.list("").stream()
                .collect(Collectors.toMap(Revisioned::key, Revisioned::value));
        List<ModelSummary> models = new ArrayList<>();
        byName.forEach((name, records) -> {
            List<String> registered = records.stream()
                    .filter(r -> r.status() == VersionStatus.REGISTERED)
                    .map(VersionRecord::version)
                    .sorted(VersionOrder.INSTANCE)
                    .toList();
            int rejected = (int) records.stream().filter(r -> r.status() == VersionStatus.REJECTED).count();
            ModelStages modelStages = stagesByName.getOrDefault(name, ModelStages.empty(name));
            Instant updated = records.stream().map(VersionRecord::updatedAt).max(Instant::compareTo).orElse(null);
            if (modelStages.updatedAt() != null && (updated == null || modelStages.updatedAt().isAfter(updated))) {
                updated = modelStages.updatedAt();
            }
            models.add(new ModelSummary(name, registered.size(), rejected,
                    registered.isEmpty() ? null : registered.get(registered.size() - 1),
                    modelStages.production().orElse(null), updated));
        });
        return models;
    }

    /** Every version of a model, oldest version first; 404 {@code model_not_found} when there is none. */
    public List<ModelVersion> listVersions(String name) {
        ModelNames.checkName(name);
        List<VersionRecord> found = versions.list(name + "/").stream().map(Revisioned::value).toList();
        if (found.isEmpty()) {
            throw ModelVersionNotFoundException.model(name);
        }
        ModelStages modelStages = records.stagesOf(name);
        return found.stream()
                .sorted((a, b) -> VersionOrder.INSTANCE.compare(a.version(), b.version()))
                .map(r -> ModelVersion.of(r, modelStages))
                .toList();
    }

    /** One version; 404 {@code model_version_not_found} when there is none. */
    public ModelVersion get(String name, String version) {
        return records.view(records.require(name, version));
    }

    /** The version of {@code name} in production, if one is. */
    public Optional<String> productionVersion(String name) {
        return records.stagesOf(name).production();
    }

    /** Opens a registered version's package for streaming; 409 for rejected or pending versions. */
    public PackageDownload openPackage(String name, String version) {
        VersionRecord record = records.requirePackage(name, version);
        InputStream in = blobs.get(record.packageKey()).orElseThrow(() -> missingPackage(record));
        return new PackageDownload(in, record.size(), record.sha256(), name + "-" + version + ".zip");
    }

    /** A URL a device can fetch a registered version's package from without credentials, for {@code ttlSeconds}. */
    public String packageUrl(String name, String version, long ttlSeconds) {
        VersionRecord record = records.requirePackage(name, version);
        return blobs.downloadUrl(record.packageKey(), ttlSeconds);
    }

    private static VergeException missingPackage(VersionRecord record) {
        return new VergeException(ErrorKind.INTERNAL, "package_missing",
                record.key() + " is registered but its package " + record.packageKey()
                        + " is missing from the blob store; upload the same package again to restore it");
    }

}
