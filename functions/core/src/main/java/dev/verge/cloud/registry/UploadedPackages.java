package dev.verge.cloud.registry;

import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.port.IdempotencyLedger;
import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.JsonCollection.Revisioned;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Registers the package objects dropped into the blob store, once the blob-upload path ({@code events.BlobUploads}) has
 * resolved the object's key: idempotent on key + ETag (handled objects are kept in {@code blob-events}).
 */
public final class UploadedPackages {
    private static final System.Logger LOG = System.getLogger(UploadedPackages.class.getName());
    private static final Pattern CANONICAL_KEY = Pattern.compile("models/([^/]+)/([^/]+)/package\\.zip");

    private final BlobStore blobs;
    private final VersionRecords records;
    private final JsonCollection<VersionRecord> versions;
    private final IdempotencyLedger<BlobEventMarker> markers;
    private final PackageRegistration registration;
    private final Clock clock;
    private final RegistryConfig config;

    UploadedPackages(BlobStore blobs, MetadataStore metadata, VersionRecords records, PackageRegistration registration,
                     Clock clock, RegistryConfig config) {
        this.blobs = blobs;
        this.records = records;
        this.versions = records.versions;
        // kept for good, as before the ledger; every record stored before it was a completed one
        this.markers = new IdempotencyLedger<>(metadata, BlobEventMarker.COLLECTION, BlobEventMarker.class, clock, null,
                marker -> new IdempotencyLedger.Stamp(IdempotencyLedger.Status.COMPLETED, null,
                        IdempotencyLedger.instant(marker, "at"), null));
        this.registration = registration;
        this.clock = clock;
        this.config = config;
    }

    /**
     * Handles an object created in the blob store, once the blob-upload path ({@code events.BlobUploads}:
     * every door, with its rules and audit record) has resolved its key. Objects under {@code models/} ending in {@code .zip} are
     * registered from their manifest; others are ignored with a reason. Idempotent: a redelivered
     * event for the same key and ETag returns the first outcome without downloading again, and the
     * registry's own {@code models/<name>/<version>/package.zip} writes are recognised by ETag.
     *
     * @param source the bucket or container and who uploaded; key and ETag are filled in from the event
     * @throws RuntimeException only when retrying may help (a store is unreachable)
     */
    public UploadOutcome onPackageUploaded(String key, String etag, long size, PackageSource source) {
        Optional<String> unsafe = ObjectKeys.refusal(key);
        if (unsafe.isPresent()) {
            return UploadOutcome.ignored(unsafe.get());
        }
        if (!key.startsWith(ModelRegistry.MODELS_PREFIX)) {
            return UploadOutcome.ignored(key + " is not under " + ModelRegistry.MODELS_PREFIX + ", where packages are registered from");
        }
        if (!key.toLowerCase(Locale.ROOT).endsWith(".zip")) {
            return UploadOutcome.ignored(key + " is not a model package: expected a .zip with model.onnx and manifest.json");
        }
        if (size == 0) {
            return UploadOutcome.ignored(key + " is empty");
        }
        String markerKey = BlobEventMarker.markerKey(key, etag);
        IdempotencyLedger.Lease lease;
        switch (markers.claim(markerKey, null, abandoned -> BlobEventMarker.claim(key, etag, clock.instant()),
                config.stalePendingAfter())) {
            case IdempotencyLedger.Claimed<BlobEventMarker> claimed -> lease = claimed.lease();
            case IdempotencyLedger.AlreadyCompleted<BlobEventMarker> done -> {
                return replay(done.result());
            }
            case IdempotencyLedger.InProgressElsewhere<BlobEventMarker> elsewhere -> throw new VergeException(
                    ErrorKind.NOT_READY, "upload_in_progress", key + " (" + etag + ") is being registered by another"
                            + " delivery of the same upload; retry in a few seconds");
            case IdempotencyLedger.PayloadMismatch<BlobEventMarker> other ->
                    throw new IllegalStateException("blob uploads are claimed without a payload hash");
        }
        UploadOutcome outcome;
        String sha256;
        try {
            Optional<UploadOutcome> settled = settledWithoutReading(key, etag);
            if (settled.isPresent()) {
                markers.release(lease);
                return settled.get();
            }
            Optional<InputStream> object = blobs.get(key);
            if (object.isEmpty()) {
                markers.release(lease);
                return UploadOutcome.ignored(key + " was deleted before it could be read");
            }
            var read = register(key, etag, object.get(), source);
            outcome = read.outcome();
            sha256 = read.sha256();
        } catch (RuntimeException e) {
            markers.release(lease);
            throw e;
        }
        UploadOutcome result = outcome;
        markers.complete(lease, BlobEventMarker.completed(key, etag, sha256, result, clock.instant()));
        LOG.log(Level.INFO, () -> "blob " + key + " (" + etag + "): " + result.result()
                + (result.reason() == null ? "" : ": " + result.reason()));
        return result;
    }

    /** The registry's own write of a version's package at its canonical key, recognised by its ETag. */
    private Optional<UploadOutcome> settledWithoutReading(String key, String etag) {
        Matcher canonical = CANONICAL_KEY.matcher(key);
        if (canonical.matches() && ModelNames.isValidName(canonical.group(1)) && ModelNames.isValidVersion(canonical.group(2))) {
            Optional<VersionRecord> record = versions.get(VersionRecord.key(canonical.group(1), canonical.group(2))).map(Revisioned::value);
            if (record.isPresent() && record.get().status() == VersionStatus.REGISTERED && etag.equals(record.get().packageEtag())) {
                return Optional.of(new UploadOutcome(UploadOutcome.Result.ALREADY_REGISTERED, records.view(record.get()), null));
            }
        }
        return Optional.empty();
    }

    private record Read(UploadOutcome outcome, String sha256) {}

    /** Reads the object and registers it, from its manifest (and from its key, when that is a canonical one). */
    private Read register(String key, String etag, InputStream object, PackageSource source) {
        Matcher canonical = CANONICAL_KEY.matcher(key);
        String keyName = canonical.matches() ? canonical.group(1) : null;
        String keyVersion = canonical.matches() ? canonical.group(2) : null;
        PackageSource from = source.withObject(key, etag);
        String sha256 = null;
        UploadOutcome outcome;
        try (SpooledPackage spooled = SpooledPackage.spool(object, config.maxPackageBytes(), config.tempDir())) {
            sha256 = spooled.sha256();
            Registration registered = registration.registerSpooled(spooled, keyName, keyVersion, from, keyName != null ? etag : null);
            outcome = new UploadOutcome(registered.created() ? UploadOutcome.Result.REGISTERED
                    : UploadOutcome.Result.ALREADY_REGISTERED, registered.version(), null);
        } catch (PackageRejectedException e) {
            outcome = new UploadOutcome(UploadOutcome.Result.REJECTED, e.version().orElse(null), e.code() + ": " + e.getMessage());
        } catch (VergeException e) {
            if (e.kind().httpStatus() >= 500) {
                throw e;
            }
            outcome = new UploadOutcome(UploadOutcome.Result.REJECTED, null, e.code() + ": " + e.getMessage());
            if (e instanceof VersionConflictException && keyName != null) {
                LOG.log(Level.ERROR, "the package object " + key + " was overwritten with other bytes than registered: " + e.getMessage());
            }
        }
        return new Read(outcome, sha256);
    }

    private UploadOutcome replay(BlobEventMarker marker) {
        ModelVersion version = null;
        if (marker.name() != null) {
            version = versions.get(VersionRecord.key(marker.name(), marker.version())).map(r -> records.view(r.value())).orElse(null);
        }
        UploadOutcome.Result result = marker.result() == UploadOutcome.Result.REGISTERED
                ? UploadOutcome.Result.ALREADY_REGISTERED : marker.result();
        return new UploadOutcome(result, version, marker.reason());
    }

}
