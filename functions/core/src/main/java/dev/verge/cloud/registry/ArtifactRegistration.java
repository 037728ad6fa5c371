package dev.verge.cloud.registry;

import dev.verge.cloud.port.ConditionalWrite;
import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.JsonCollection.Revisioned;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Records versions whose artifact lives outside the registry (container images, MLflow and Azure ML versions), and finds them by digest. */
public final class ArtifactRegistration {
    private static final System.Logger LOG = System.getLogger(ArtifactRegistration.class.getName());

    private final VersionRecords records;
    private final JsonCollection<VersionRecord> versions;
    private final ConditionalWrite<VersionRecord> writes;
    private final Clock clock;

    ArtifactRegistration(VersionRecords records, Clock clock) {
        this.records = records;
        this.versions = records.versions;
        this.writes = new ConditionalWrite<>(versions);
        this.clock = clock;
    }

    /**
     * Records a version whose artifact lives outside the registry (a container image pushed to a
     * registry, a model version of MLflow or Azure ML): nothing is downloaded or validated, the record
     * says where to pull it from. Versions are immutable here too: the same artifact again returns the
     * existing record ({@code created} false), another artifact under a recorded version is 409
     * {@link VersionConflictException}. A rejected package under that version is replaced.
     */
    public Registration registerArtifact(String name, String version, ArtifactRef artifact, PackageSource source) {
        ModelNames.checkName(name);
        ModelNames.checkVersion(version);
        String key = VersionRecord.key(name, version);
        String identity = artifact.identity();
        Instant now = clock.instant();
        VersionRecord record = new VersionRecord(name, version, VersionStatus.REGISTERED, identity, 0, null, null, null,
                null, source, List.of(), now, now, artifact);
        ConditionalWrite.Written<VersionRecord> written = writes.upsert(key, current -> {
            if (current.isEmpty() || current.get().status() == VersionStatus.REJECTED) {
                return record; // a rejected package under this version is replaced
            }
            if (!current.get().sha256().equals(identity)) {
                throw new VersionConflictException(name, version, current.get().status(), current.get().sha256(), identity);
            }
            return current.get();
        }, failure -> new IllegalStateException("could not record " + key + ": another writer came first every time"));
        if (written.after() != record) {
            return new Registration(records.view(written.after()), false);
        }
        if (written.before().isEmpty()) {
            LOG.log(Level.INFO, () -> "registered " + key + " as " + artifact.kind() + " " + artifact.reference()
                    + " from " + records.describe(source));
        }
        return new Registration(records.view(record), true);
    }

    /** The registered version of {@code name} whose artifact has {@code digest}, if any. */
    public Optional<ModelVersion> findByArtifactDigest(String name, String digest) {
        if (digest == null || !ModelNames.isValidName(name)) {
            return Optional.empty();
        }
        return versions.list(name + "/").stream()
                .map(Revisioned::value)
                .filter(r -> r.name().equals(name) && r.status() == VersionStatus.REGISTERED && r.artifact() != null
                        && digest.equalsIgnoreCase(r.artifact().digest()))
                .findFirst()
                .map(records::view);
    }
}
