package dev.verge.cloud.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.port.BlobInfo;
import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.port.ConditionalWrite;
import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.JsonCollection.Revisioned;
import dev.verge.cloud.registry.PackageInspector.Identity;
import dev.verge.cloud.registry.PackageInspector.Opened;
import dev.verge.cloud.registry.PackageInspector.Opening;
import dev.verge.cloud.registry.PackageInspector.Unopenable;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import dev.verge.inference.pkg.CustomVisionExport;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Registers model packages (uploaded to the API, or read from a blob drop by {@link UploadedPackages}): validated,
 * stored at {@code models/<name>/<version>/package.zip}, recorded as {@code registered} or {@code rejected}.
 *
 * <p>Concurrency: a registration validates first, then claims the version with a conditional create
 * of a {@code pending} record, stores the package, and turns the claim into {@code registered}
 * with a conditional update. Of two concurrent registrations of one version only the claimant
 * writes the package; the other gets the same record (same bytes) or 409 (different bytes). If the
 * package cannot be stored the claim is removed, so nothing half-written stays behind; a claim
 * left by a crashed process is taken over after {@link RegistryConfig#stalePendingAfter()}.
 */
public final class PackageRegistration {
    private static final System.Logger LOG = System.getLogger(PackageRegistration.class.getName());

    private final BlobStore blobs;
    private final VersionRecords records;
    private final JsonCollection<VersionRecord> versions;
    private final ConditionalWrite<VersionRecord> writes;
    private final Clock clock;
    private final RegistryConfig config;
    private final PackageInspector inspector;

    PackageRegistration(BlobStore blobs, VersionRecords records, Clock clock, RegistryConfig config) {
        this.blobs = blobs;
        this.records = records;
        this.versions = records.versions;
        this.writes = new ConditionalWrite<>(versions);
        this.clock = clock;
        this.config = config;
        this.inspector = new PackageInspector(config);
    }

    /**
     * Registers the package streamed in {@code packageZip}. Name and version come from its manifest;
     * {@code expectedName}, when not null, must agree (400 {@code name_mismatch}).
     *
     * @return the version, {@code created} false when these exact bytes were already registered
     * @throws PackageRejectedException   the package failed validation (recorded when it named a valid version)
     * @throws VersionConflictException   other bytes are registered under that name and version
     * @throws VergeException             400/413 for bad input (empty, too large, invalid name)
     */
    public Registration register(InputStream packageZip, String expectedName, PackageSource source) {
        return register(packageZip, expectedName, null, source);
    }

    /**
     * Like {@link #register(InputStream, String, PackageSource)}, with the version the caller means
     * ({@code expectedVersion}, may be null). A Custom Vision ONNX export, which names neither, needs both: it
     * is registered as the Verge package derived from it ({@link CustomVisionExport}).
     */
    public Registration register(InputStream packageZip, String expectedName, String expectedVersion, PackageSource source) {
        if (expectedName != null) {
            ModelNames.checkName(expectedName);
        }
        if (expectedVersion != null) {
            ModelNames.checkVersion(expectedVersion);
        }
        try (SpooledPackage spooled = SpooledPackage.spool(packageZip, config.maxPackageBytes(), config.tempDir())) {
            return registerSpooled(spooled, expectedName, expectedVersion, source, null);
        }
    }

    /**
     * A Custom Vision export becomes the package derived from it (same export, same package bytes), which is
     * then registered as any upload, written to its canonical key even when the export was dropped there. An
     * export that cannot be served is recorded as rejected, under the export's own sha256.
     */
    private Registration registerExport(SpooledPackage export, String expectedName, String expectedVersion,
                                        PackageSource source) {
        if (expectedName == null || expectedVersion == null) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "export_needs_name_and_version",
                    "a Custom Vision export names no model or version: upload it to /api/models/{name}/versions?version={v}"
                            + " (./verge models register export.zip --name NAME --version V) or put it at "
                            + ModelRegistry.packageKey("{name}", "{version}"));
        }
        String name = ModelNames.checkName(expectedName);
        String version = ModelNames.checkVersion(expectedVersion);
        java.nio.file.Path converted = null;
        try {
            try {
                converted = inspector.packageOfExport(export.file(), name, version);
            } catch (VergeException e) {
                throw reject(name, version, export, null, e, source);
            }
            try (SpooledPackage pkg = SpooledPackage.spool(java.nio.file.Files.newInputStream(converted),
                    config.maxPackageBytes(), config.tempDir())) {
                Registration registration = registerSpooled(pkg, name, version, source, null);
                if (!registration.created()) {
                    // the same export dropped at its key again has replaced the package there: put the package back
                    restorePackage(name, version, pkg, true);
                }
                return registration;
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the package derived from a Custom Vision export", e);
        } finally {
            if (converted != null) {
                try {
                    java.nio.file.Files.deleteIfExists(converted);
                } catch (java.io.IOException ignored) {
                    // a temp file left behind is cleaned with the temp folder
                }
            }
        }
    }

    /**
     * @param storedEtag not null when the package already sits at its canonical key (a blob drop
     *                   there): it is not written again
     */
    Registration registerSpooled(
            SpooledPackage spooled, String expectedName, String expectedVersion, PackageSource source, String storedEtag) {
        if (CustomVisionExport.isExport(spooled.file())) {
            return registerExport(spooled, expectedName, expectedVersion, source);
        }
        Opening opening = inspector.open(spooled.file());
        try {
            Optional<Identity> identity = switch (opening) {
                case Opened o -> Optional.of(o.identity());
                case Unopenable u -> u.identity();
            };
            if (identity.isEmpty()) {
                VergeException error = ((Unopenable) opening).error();
                throw new PackageRejectedException(error, PackageInspector.reasonsOf(error), null);
            }
            String name = ModelNames.checkName(identity.get().name());
            String version = ModelNames.checkVersion(identity.get().version());
            checkExpected("name", expectedName, name);
            checkExpected("version", expectedVersion, version);

            Optional<Registration> existing = existingFor(name, version, spooled.sha256());
            if (existing.isPresent()) {
                restorePackageIfMissing(name, version, spooled);
                return existing.get();
            }
            JsonNode manifest = switch (opening) {
                case Opened o -> o.manifest();
                case Unopenable u -> u.manifest();
            };
            if (opening instanceof Unopenable u) {
                throw reject(name, version, spooled, manifest, u.error(), source);
            }
            ValidatedModel model;
            try {
                model = inspector.validate(((Opened) opening).pkg());
            } catch (VergeException e) {
                throw reject(name, version, spooled, manifest, e, source);
            }
            return store(name, version, spooled, manifest, model, source, storedEtag);
        } finally {
            if (opening instanceof Opened o) {
                o.pkg().close();
            }
        }
    }

    private static void checkExpected(String what, String expected, String actual) {
        if (expected != null && !expected.equals(actual)) {
            throw new VergeException(ErrorKind.BAD_REQUEST, what + "_mismatch",
                    "expected a package for model " + what + " \"" + expected + "\" (from the URL or blob key), found \""
                            + actual + "\" in manifest.json");
        }
    }

    /**
     * What to answer without validating again: the registered version for the same bytes, a 409 for
     * different bytes, the recorded rejection for the same rejected bytes. Empty: go on.
     */
    private Optional<Registration> existingFor(String name, String version, String sha256) {
        Optional<Revisioned<VersionRecord>> found = versions.get(VersionRecord.key(name, version));
        if (found.isEmpty()) {
            return Optional.empty();
        }
        VersionRecord record = found.get().value();
        boolean sameBytes = record.sha256().equals(sha256);
        return switch (record.status()) {
            case REGISTERED -> {
                if (!sameBytes) {
                    throw new VersionConflictException(name, version, record.status(), record.sha256(), sha256);
                }
                yield Optional.of(new Registration(records.view(record), false));
            }
            case PENDING -> {
                if (isStale(record)) {
                    yield Optional.empty();
                }
                if (!sameBytes) {
                    throw new VersionConflictException(name, version, record.status(), record.sha256(), sha256);
                }
                yield awaitPending(record.key(), sha256);
            }
            case REJECTED -> {
                if (sameBytes) {
                    String code = record.reasons().isEmpty() ? "package_rejected" : record.reasons().get(0).code();
                    // the same status as the first time: a broken archive is the caller's bad input (400),
                    // everything else a package that was understood but refused (422)
                    ErrorKind kind = code.equals("package_invalid") ? ErrorKind.BAD_REQUEST : ErrorKind.UNPROCESSABLE;
                    VergeException first = new VergeException(kind, code, "the same package was rejected before");
                    throw new PackageRejectedException(first, record.reasons(), records.view(record));
                }
                yield Optional.empty();
            }
        };
    }

    /** Uploading a registered package again puts it back if its blob went missing (deleted by hand, lost bucket). */
    private void restorePackageIfMissing(String name, String version, SpooledPackage spooled) {
        restorePackage(name, version, spooled, false);
    }

    /** Puts a registered version's package back when its blob is missing, or ({@code orReplaced}) holds other bytes. */
    private void restorePackage(String name, String version, SpooledPackage spooled, boolean orReplaced) {
        String blobKey = ModelRegistry.packageKey(name, version);
        Optional<Revisioned<VersionRecord>> current = versions.get(VersionRecord.key(name, version));
        if (current.isEmpty() || current.get().value().status() != VersionStatus.REGISTERED) {
            return;
        }
        Optional<BlobInfo> stored = blobs.head(blobKey);
        boolean replaced = orReplaced && stored.isPresent() && !stored.get().etag().equals(current.get().value().packageEtag());
        if (stored.isPresent() && !replaced) {
            return;
        }
        LOG.log(Level.WARNING, () -> "the package of " + name + "/" + version + " was " + (replaced ? "replaced in" : "missing from")
                + " the blob store; restoring it");
        try (InputStream in = spooled.open()) {
            BlobInfo info = blobs.put(blobKey, in, spooled.size(), "application/zip");
            VersionRecord record = current.get().value();
            VersionRecord restored = record.registered(blobKey, info.etag(), record.updatedAt());
            versions.update(record.key(), current.get().revision(), restored);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the spooled package", e);
        }
    }

    private boolean isStale(VersionRecord pending) {
        return pending.updatedAt().plus(config.stalePendingAfter()).isBefore(clock.instant());
    }

    /** Waits for a concurrent registration of the same bytes; empty when it gave up (then we try ourselves). */
    private Optional<Registration> awaitPending(String key, String sha256) {
        long deadline = System.nanoTime() + config.awaitPending().toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            Optional<VersionRecord> now = versions.get(key).map(Revisioned::value);
            if (now.isEmpty() || now.get().status() == VersionStatus.REJECTED) {
                return Optional.empty();
            }
            if (now.get().status() == VersionStatus.REGISTERED) {
                if (!now.get().sha256().equals(sha256)) {
                    throw new VersionConflictException(now.get().name(), now.get().version(), VersionStatus.REGISTERED,
                            now.get().sha256(), sha256);
                }
                return Optional.of(new Registration(records.view(now.get()), false));
            }
        }
        throw new VergeException(ErrorKind.NOT_READY, "registration_in_progress",
                key + " is being registered by another request with the same package; retry in a few seconds");
    }

    private PackageRejectedException reject(
            String name, String version, SpooledPackage spooled, JsonNode manifest, VergeException error, PackageSource source) {
        List<Reason> reasons = PackageInspector.reasonsOf(error);
        Instant now = clock.instant();
        VersionRecord rejected = new VersionRecord(name, version, VersionStatus.REJECTED, spooled.sha256(), spooled.size(),
                null, null, small(manifest), null, source, reasons, now, now);
        ModelVersion recorded = recordRejection(rejected).orElse(null);
        LOG.log(Level.INFO, () -> "rejected " + rejected.key() + " from " + records.describe(source) + ": " + reasons);
        return new PackageRejectedException(error, reasons, recorded);
    }

    /** Keeps a rejection on record unless a registration of the version got there first. */
    private Optional<ModelVersion> recordRejection(VersionRecord rejected) {
        VersionRecord standing = writes.upsert(rejected.key(), current -> current
                // a registration (or a pending one) stands, and so does the same rejection
                .filter(existing -> existing.status() != VersionStatus.REJECTED || existing.sha256().equals(rejected.sha256()))
                .orElse(rejected), failure -> new IllegalStateException("could not record the rejection of " + rejected.key()
                        + ": another writer came first every time")).after();
        return standing.status() == VersionStatus.REJECTED ? Optional.of(records.view(standing)) : Optional.empty();
    }

    private static JsonNode small(JsonNode manifest) {
        return manifest == null || manifest.toString().length() > PackageInspector.MAX_MANIFEST_BYTES ? null : manifest;
    }

    private sealed interface Claim permits Claimed, AlreadyThere {}

    private record Claimed(long revision) implements Claim {}

    private record AlreadyThere(Registration registration) implements Claim {}

    private Registration store(String name, String version, SpooledPackage spooled, JsonNode manifest,
                               ValidatedModel model, PackageSource source, String storedEtag) {
        Instant now = clock.instant();
        VersionRecord pending = new VersionRecord(name, version, VersionStatus.PENDING, spooled.sha256(), spooled.size(),
                null, null, manifest, model, source, List.of(), now, now);
        Claim claim = claim(pending);
        if (claim instanceof AlreadyThere there) {
            return there.registration();
        }
        long revision = ((Claimed) claim).revision();
        String blobKey = ModelRegistry.packageKey(name, version);
        boolean wroteBlob = false;
        try {
            String etag = storedEtag;
            if (etag == null) {
                try (InputStream in = spooled.open()) {
                    BlobInfo info = blobs.put(blobKey, in, spooled.size(), "application/zip");
                    etag = info.etag();
                    wroteBlob = true;
                }
            }
            VersionRecord registered = pending.registered(blobKey, etag, clock.instant());
            if (!versions.update(pending.key(), revision, registered)) {
                throw new IllegalStateException("lost the claim on " + pending.key() + " while storing its package"
                        + " (the registration took longer than " + config.stalePendingAfter() + ")");
            }
            LOG.log(Level.INFO, () -> "registered " + pending.key() + " sha256 " + spooled.sha256() + " from " + records.describe(source));
            return new Registration(records.view(registered), true);
        } catch (RuntimeException | java.io.IOException e) {
            releaseClaim(pending.key(), revision, wroteBlob ? blobKey : null);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new java.io.UncheckedIOException("cannot read the spooled package", (java.io.IOException) e);
        }
    }

    /**
     * Claims the version for {@code pending}: a new version, a rejected one, or a pending one abandoned by a crashed
     * registrar. A registration of the same bytes stands (and one in progress is waited for); other bytes are 409.
     */
    private Claim claim(VersionRecord pending) {
        String key = pending.key();
        ConditionalWrite.Written<VersionRecord> written = writes.upsert(key, current -> {
            if (current.isEmpty() || current.get().status() == VersionStatus.REJECTED) {
                return pending;
            }
            VersionRecord existing = current.get();
            if (!existing.sha256().equals(pending.sha256()) && (existing.status() == VersionStatus.REGISTERED || !isStale(existing))) {
                throw new VersionConflictException(pending.name(), pending.version(), existing.status(),
                        existing.sha256(), pending.sha256());
            }
            if (existing.status() == VersionStatus.PENDING && isStale(existing)) {
                LOG.log(Level.WARNING, () -> "taking over the abandoned registration of " + key + " from " + existing.updatedAt());
                return pending;
            }
            return existing;
        }, failure -> new IllegalStateException("could not claim " + key + ": another writer came first every time"));
        VersionRecord standing = written.after();
        if (standing == pending) {
            return new Claimed(written.revision());
        }
        if (standing.status() == VersionStatus.REGISTERED) {
            return new AlreadyThere(new Registration(records.view(standing), false));
        }
        // a registration of the same bytes in progress: its outcome is ours, or (it gave up) the version is free again
        return awaitPending(key, pending.sha256()).<Claim>map(AlreadyThere::new).orElseGet(() -> claim(pending));
    }

    /** Undoes a claim whose package could not be stored, so no pending record or orphan package stays behind. */
    private void releaseClaim(String key, long revision, String blobKey) {
        try {
            Optional<Revisioned<VersionRecord>> current = versions.get(key);
            if (current.isPresent() && current.get().revision() == revision
                    && current.get().value().status() == VersionStatus.PENDING) {
                versions.delete(key);
                if (blobKey != null) {
                    blobs.delete(blobKey);
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not release the claim on " + key + "; it expires after " + config.stalePendingAfter(), e);
        }
    }

}
