package dev.verge.cloud.registry;

import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.JsonCollection.Revisioned;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;

/**
 * The records every registry use case reads and writes: version records in collection {@code model-versions} under
 * {@code <name>/<version>}, the stages of a model's versions in collection {@code models} under {@code <name>}, and
 * the views of them the use cases answer with.
 */
final class VersionRecords {

    final JsonCollection<VersionRecord> versions;
    final JsonCollection<ModelStages> stages;

    VersionRecords(MetadataStore metadata) {
        this.versions = new JsonCollection<>(metadata, VersionRecord.COLLECTION, VersionRecord.class);
        this.stages = new JsonCollection<>(metadata, ModelStages.COLLECTION, ModelStages.class);
    }

    VersionRecord require(String name, String version) {
        ModelNames.checkName(name);
        ModelNames.checkVersion(version);
        return versions.get(VersionRecord.key(name, version))
                .map(Revisioned::value)
                .orElseThrow(() -> ModelVersionNotFoundException.version(name, version));
    }

    VersionRecord requireDeployable(String name, String version, String action) {
        VersionRecord record = require(name, version);
        if (record.status() != VersionStatus.REGISTERED) {
            throw new VersionNotDeployableException(record, action);
        }
        return record;
    }

    /** A registered version with a package to download; 409 {@code version_not_a_package} for an image or other artifact. */
    VersionRecord requirePackage(String name, String version) {
        VersionRecord record = requireDeployable(name, version, "download");
        if (record.artifact() != null) {
            throw new VergeException(ErrorKind.CONFLICT, "version_not_a_package",
                    record.key() + " is a " + record.artifact().kind() + " published elsewhere, not a package: pull "
                            + record.artifact().reference()
                            + (record.artifact().digest() == null ? "" : " (" + record.artifact().digest() + ")"));
        }
        return record;
    }

    ModelStages stagesOf(String name) {
        return stages.get(name).map(Revisioned::value).orElse(ModelStages.empty(name));
    }

    ModelVersion view(VersionRecord record) {
        return ModelVersion.of(record, stagesOf(record.name()));
    }

    static String describe(PackageSource source) {
        if (source == null) {
            return "unknown";
        }
        StringBuilder out = new StringBuilder(source.kind());
        if (source.store() != null) {
            out.append(' ').append(source.store());
        }
        if (source.key() != null) {
            out.append(' ').append(source.key());
        }
        return out.append(" by ").append(source.by()).toString();
    }
}
