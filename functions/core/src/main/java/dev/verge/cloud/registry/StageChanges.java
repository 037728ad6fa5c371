package dev.verge.cloud.registry;

import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.JsonCollection.Revisioned;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Optional;

/** Moves registered versions between stages (production, staging, archived), recording who and why. */
public final class StageChanges {
    private static final System.Logger LOG = System.getLogger(StageChanges.class.getName());

    private final VersionRecords records;
    private final JsonCollection<ModelStages> stages;
    private final Clock clock;

    StageChanges(VersionRecords records, Clock clock) {
        this.records = records;
        this.stages = records.stages;
        this.clock = clock;
    }

    /**
     * Moves a registered version to {@code to}, recording who and why. Moving one to production
     * archives the previous production version in the same write. Moving a version to the stage it
     * is in changes nothing. 409 {@code version_rejected} for rejected versions.
     */
    public ModelVersion changeStage(String name, String version, Stage to, String by, String reason) {
        VersionRecord record = records.requireDeployable(name, version, "move to " + to.json());
        String who = by == null || by.isBlank() ? "unknown" : ModelNames.printable(by.strip());
        for (int attempt = 0; attempt < VersionRecords.MAX_WRITE_ATTEMPTS; attempt++) {
            Optional<Revisioned<ModelStages>> current = stages.get(name);
            ModelStages before = current.map(Revisioned::value).orElse(ModelStages.empty(name));
            if (before.stageOf(version) == to) {
                return ModelVersion.of(record, before);
            }
            ModelStages after = before.change(version, to, who, reason == null ? null : ModelNames.printable(reason), clock.instant());
            boolean written = current.isEmpty()
                    ? stages.create(name, after)
                    : stages.update(name, current.get().revision(), after);
            if (written) {
                LOG.log(Level.INFO, () -> name + "/" + version + ": " + before.stageOf(version).json() + " -> " + to.json() + " by " + who);
                return ModelVersion.of(record, after);
            }
        }
        throw new IllegalStateException("could not change the stage of " + name + "/" + version
                + " after " + VersionRecords.MAX_WRITE_ATTEMPTS + " concurrent writes");
    }

    public ModelVersion promote(String name, String version, String by) {
        return changeStage(name, version, Stage.PRODUCTION, by, null);
    }

    public ModelVersion archive(String name, String version, String by) {
        return changeStage(name, version, Stage.ARCHIVED, by, null);
    }

}
