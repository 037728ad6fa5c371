package dev.verge.cloud.registry;

import dev.verge.cloud.port.ConditionalWrite;
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
    private final ConditionalWrite<ModelStages> writes;
    private final Clock clock;

    StageChanges(VersionRecords records, Clock clock) {
        this.records = records;
        this.stages = records.stages;
        this.writes = new ConditionalWrite<>(stages);
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
        ModelStages stored = stages.get(name).map(Revisioned::value).orElse(ModelStages.empty(name));
        if (stored.stageOf(version) == to) {
            return ModelVersion.of(record, stored);
        }
        ConditionalWrite.Written<ModelStages> written = writes.upsert(name, current -> {
            ModelStages before = current.orElse(ModelStages.empty(name));
            return before.stageOf(version) == to ? current.orElse(before)
                    : before.change(version, to, who, reason == null ? null : ModelNames.printable(reason), clock.instant());
        }, failure -> new IllegalStateException("could not change the stage of " + name + "/" + version
                + ": another writer came first every time"));
        Stage from = written.before().orElse(ModelStages.empty(name)).stageOf(version);
        if (from != to) {
            LOG.log(Level.INFO, () -> name + "/" + version + ": " + from.json() + " -> " + to.json() + " by " + who);
        }
        return ModelVersion.of(record, written.after());
    }

    public ModelVersion promote(String name, String version, String by) {
        return changeStage(name, version, Stage.PRODUCTION, by, null);
    }

    public ModelVersion archive(String name, String version, String by) {
        return changeStage(name, version, Stage.ARCHIVED, by, null);
    }

}
