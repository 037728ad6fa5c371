package dev.verge.cloud.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.port.BlobInfo;
import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.JsonCollection.Revisioned;
import dev.verge.cloud.port.MetadataStore;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The model registry's use cases: register a package (from the API or a blob-created event), list,
 * get, download, and move versions between stages.
 *
 * <p>Storage: the package at {@code models/<name>/<version>/package.zip} in the {@link BlobStore};
 * the version record in collection {@code model-versions} under {@code <name>/<version>}; the stages
 * of a model's versions in collection {@code models} under {@code <name>}; handled blob events in
 * {@code blob-events}.
 *
 * <p>Concurrency: a registration validates first, then claims the version with a conditional create
 * of a {@code pending} record, stores the package, and turns the claim into {@code registered}
 * with a conditional update. Of two concurrent registrations of one version only the claimant
 * writes the package; the other gets the same record (same bytes) or 409 (different bytes). If the
 * package cannot be stored the claim is removed, so nothing half-written stays behind; a claim
 * left by a crashed process is taken over after {@link RegistryConfig#stalePendingAfter()}.
 */
public final class ModelRegistry {
    private static final System.Logger LOG = System.getLogger(ModelRegistry.class.getName());
    public static final String MODELS_PREFIX = "models/";
    private static final Pattern CANONICAL_KEY = Pattern.compile("models/([^/]+)/([^/]+)/package\\.zip");
    private static final int MAX_WRITE_ATTEMPTS = 20;

    private final BlobStore blobs;
    private final JsonCollection<VersionRecord> versions;
    private final JsonCollection<ModelStages> stages;
    private final JsonCollection<BlobEventMarker> markers;
    private final Clock clock;
    private final RegistryConfig config;
    private final PackageInspector inspector;

    public ModelRegistry(BlobStore blobs, MetadataStore metadata, Clock clock, RegistryConfig config) {
        this.blobs = blobs;
        this.versions = new JsonCollection<>(metadata, VersionRecord.COLLECTION, VersionRecord.class);
        this.stages = new JsonCollection<>(metadata, ModelStages.COLLECTION, ModelStages.class);
        this.markers = new JsonCollection<>(metadata, BlobEventMarker.COLLECTION, BlobEventMarker.class);
        this.clock = clock;
        this.config = config;
        this.inspector = new PackageInspector(config);
    }

    /** The blob key of a version's package. */
    public static String packageKey(String name, String version) {
        return MODELS_PREFIX + name + "/" + version + "/package.zip";
    }

    // ---- registration ------------------------------------------------------------------------

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
                            + packageKey("{name}", "{version}"));
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
    private Registration registerSpooled(
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
                yield Optional.of(new Registration(view(record), false));
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
                    throw new PackageRejectedException(first, record.reasons(), view(record));
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
        String blobKey = packageKey(name, version);
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
                return Optional.of(new Registration(view(now.get()), false));
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
        LOG.log(Level.INFO, () -> "rejected " + rejected.key() + " from " + describe(source) + ": " + reasons);
        return new PackageRejectedException(error, reasons, recorded);
    }

    /** Keeps a rejection on record unless a registration of the version got there first. */
    private Optional<ModelVersion> recordRejection(VersionRecord rejected) {
        for (int attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
            Optional<Revisioned<VersionRecord>> current = versions.get(rejected.key());
            if (current.isEmpty()) {
                if (versions.create(rejected.key(), rejected)) {
                    return Optional.of(view(rejected));
                }
                continue;
            }
            VersionRecord existing = current.get().value();
            if (existing.status() != VersionStatus.REJECTED) {
                return Optional.empty();
            }
            if (existing.sha256().equals(rejected.sha256())) {
                return Optional.of(view(existing));
            }
            if (versions.update(rejected.key(), current.get().revision(), rejected)) {
                return Optional.of(view(rejected));
            }
        }
        return Optional.empty();
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
        String blobKey = packageKey(name, version);
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
            LOG.log(Level.INFO, () -> "registered " + pending.key() + " sha256 " + spooled.sha256() + " from " + describe(source));
            return new Registration(view(registered), true);
        } catch (RuntimeException | java.io.IOException e) {
            releaseClaim(pending.key(), revision, wroteBlob ? blobKey : null);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new java.io.UncheckedIOException("cannot read the spooled package", (java.io.IOException) e);
        }
    }

    private Claim claim(VersionRecord pending) {
        String key = pending.key();
        for (int attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
            Optional<Revisioned<VersionRecord>> current = versions.get(key);
            if (current.isEmpty()) {
                if (versions.create(key, pending)) {
                    return new Claimed(1);
                }
                continue;
            }
            VersionRecord existing = current.get().value();
            long revision = current.get().revision();
            boolean sameBytes = existing.sha256().equals(pending.sha256());
            switch (existing.status()) {
                case REGISTERED -> {
                    if (!sameBytes) {
                        throw new VersionConflictException(pending.name(), pending.version(), existing.status(),
                                existing.sha256(), pending.sha256());
                    }
                    return new AlreadyThere(new Registration(view(existing), false));
                }
                case PENDING -> {
                    if (!isStale(existing)) {
                        if (!sameBytes) {
                            throw new VersionConflictException(pending.name(), pending.version(), existing.status(),
                                    existing.sha256(), pending.sha256());
                        }
                        Optional<Registration> done = awaitPending(key, pending.sha256());
                        if (done.isPresent()) {
                            return new AlreadyThere(done.get());
                        }
                        continue;
                    }
                    LOG.log(Level.WARNING, () -> "taking over the abandoned registration of " + key + " from " + existing.updatedAt());
                    if (versions.update(key, revision, pending)) {
                        return new Claimed(revision + 1);
                    }
                }
                case REJECTED -> {
                    if (versions.update(key, revision, pending)) {
                        return new Claimed(revision + 1);
                    }
                }
            }
        }
        throw new IllegalStateException("could not claim " + key + " after " + MAX_WRITE_ATTEMPTS + " concurrent writes");
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

    // ---- versions published elsewhere ---------------------------------------------------------

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
        for (int attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
            Optional<Revisioned<VersionRecord>> current = versions.get(key);
            Instant now = clock.instant();
            VersionRecord record = new VersionRecord(name, version, VersionStatus.REGISTERED, identity, 0, null, null, null,
                    null, source, List.of(), now, now, artifact);
            if (current.isEmpty()) {
                if (versions.create(key, record)) {
                    LOG.log(Level.INFO, () -> "registered " + key + " as " + artifact.kind() + " " + artifact.reference()
                            + " from " + describe(source));
                    return new Registration(view(record), true);
                }
                continue;
            }
            VersionRecord existing = current.get().value();
            if (existing.status() == VersionStatus.REJECTED) {
                if (versions.update(key, current.get().revision(), record)) {
                    return new Registration(view(record), true);
                }
                continue;
            }
            if (!existing.sha256().equals(identity)) {
                throw new VersionConflictException(name, version, existing.status(), existing.sha256(), identity);
            }
            return new Registration(view(existing), false);
        }
        throw new IllegalStateException("could not record " + key + " after " + MAX_WRITE_ATTEMPTS + " concurrent writes");
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
                .map(this::view);
    }

    // ---- blob-created events -----------------------------------------------------------------

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
        if (!key.startsWith(MODELS_PREFIX)) {
            return UploadOutcome.ignored(key + " is not under " + MODELS_PREFIX + ", where packages are registered from");
        }
        if (!key.toLowerCase(Locale.ROOT).endsWith(".zip")) {
            return UploadOutcome.ignored(key + " is not a model package: expected a .zip with model.onnx and manifest.json");
        }
        if (size == 0) {
            return UploadOutcome.ignored(key + " is empty");
        }
        String markerKey = BlobEventMarker.markerKey(key, etag);
        Optional<BlobEventMarker> seen = markers.get(markerKey).map(Revisioned::value);
        if (seen.isPresent()) {
            return replay(seen.get());
        }
        Matcher canonical = CANONICAL_KEY.matcher(key);
        String keyName = canonical.matches() ? canonical.group(1) : null;
        String keyVersion = canonical.matches() ? canonical.group(2) : null;
        if (keyName != null && ModelNames.isValidName(keyName) && ModelNames.isValidVersion(keyVersion)) {
            Optional<VersionRecord> record = versions.get(VersionRecord.key(keyName, keyVersion)).map(Revisioned::value);
            if (record.isPresent() && record.get().status() == VersionStatus.REGISTERED && etag.equals(record.get().packageEtag())) {
                return new UploadOutcome(UploadOutcome.Result.ALREADY_REGISTERED, view(record.get()), null);
            }
        }
        PackageSource from = source.withObject(key, etag);
        UploadOutcome outcome;
        String sha256 = null;
        Optional<InputStream> object = blobs.get(key);
        if (object.isEmpty()) {
            return UploadOutcome.ignored(key + " was deleted before it could be read");
        }
        try (SpooledPackage spooled = SpooledPackage.spool(object.get(), config.maxPackageBytes(), config.tempDir())) {
            sha256 = spooled.sha256();
            Registration registration = registerSpooled(spooled, keyName, keyVersion, from, keyName != null ? etag : null);
            outcome = new UploadOutcome(registration.created() ? UploadOutcome.Result.REGISTERED
                    : UploadOutcome.Result.ALREADY_REGISTERED, registration.version(), null);
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
        UploadOutcome result = outcome;
        ModelVersion v = result.version();
        markers.create(markerKey, new BlobEventMarker(key, etag, sha256, result.result(),
                v == null ? null : v.name(), v == null ? null : v.version(), result.reason(), clock.instant()));
        LOG.log(Level.INFO, () -> "blob " + key + " (" + etag + "): " + result.result()
                + (result.reason() == null ? "" : ": " + result.reason()));
        return result;
    }

    private UploadOutcome replay(BlobEventMarker marker) {
        ModelVersion version = null;
        if (marker.name() != null) {
            version = versions.get(VersionRecord.key(marker.name(), marker.version())).map(r -> view(r.value())).orElse(null);
        }
        UploadOutcome.Result result = marker.result() == UploadOutcome.Result.REGISTERED
                ? UploadOutcome.Result.ALREADY_REGISTERED : marker.result();
        return new UploadOutcome(result, version, marker.reason());
    }

    // ---- queries -----------------------------------------------------------------------------

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
        List<VersionRecord> records = versions.list(name + "/").stream().map(Revisioned::value).toList();
        if (records.isEmpty()) {
            throw ModelVersionNotFoundException.model(name);
        }
        ModelStages modelStages = stagesOf(name);
        return records.stream()
                .sorted((a, b) -> VersionOrder.INSTANCE.compare(a.version(), b.version()))
                .map(r -> ModelVersion.of(r, modelStages))
                .toList();
    }

    /** One version; 404 {@code model_version_not_found} when there is none. */
    public ModelVersion get(String name, String version) {
        return view(require(name, version));
    }

    /** The version of {@code name} in production, if one is. */
    public Optional<String> productionVersion(String name) {
        return stagesOf(name).production();
    }

    /** Opens a registered version's package for streaming; 409 for rejected or pending versions. */
    public PackageDownload openPackage(String name, String version) {
        VersionRecord record = requirePackage(name, version);
        InputStream in = blobs.get(record.packageKey()).orElseThrow(() -> missingPackage(record));
        return new PackageDownload(in, record.size(), record.sha256(), name + "-" + version + ".zip");
    }

    /** A URL a device can fetch a registered version's package from without credentials, for {@code ttlSeconds}. */
    public String packageUrl(String name, String version, long ttlSeconds) {
        VersionRecord record = requirePackage(name, version);
        return blobs.downloadUrl(record.packageKey(), ttlSeconds);
    }

    private static VergeException missingPackage(VersionRecord record) {
        return new VergeException(ErrorKind.INTERNAL, "package_missing",
                record.key() + " is registered but its package " + record.packageKey()
                        + " is missing from the blob store; upload the same package again to restore it");
    }

    // ---- stages ------------------------------------------------------------------------------

    /**
     * Moves a registered version to {@code to}, recording who and why. Moving one to production
     * archives the previous production version in the same write. Moving a version to the stage it
     * is in changes nothing. 409 {@code version_rejected} for rejected versions.
     */
    public ModelVersion changeStage(String name, String version, Stage to, String by, String reason) {
        VersionRecord record = requireDeployable(name, version, "move to " + to.json());
        String who = by == null || by.isBlank() ? "unknown" : ModelNames.printable(by.strip());
        for (int attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
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
                + " after " + MAX_WRITE_ATTEMPTS + " concurrent writes");
    }

    public ModelVersion promote(String name, String version, String by) {
        return changeStage(name, version, Stage.PRODUCTION, by, null);
    }

    public ModelVersion archive(String name, String version, String by) {
        return changeStage(name, version, Stage.ARCHIVED, by, null);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private VersionRecord require(String name, String version) {
        ModelNames.checkName(name);
        ModelNames.checkVersion(version);
        return versions.get(VersionRecord.key(name, version))
                .map(Revisioned::value)
                .orElseThrow(() -> ModelVersionNotFoundException.version(name, version));
    }

    private VersionRecord requireDeployable(String name, String version, String action) {
        VersionRecord record = require(name, version);
        if (record.status() != VersionStatus.REGISTERED) {
            throw new VersionNotDeployableException(record, action);
        }
        return record;
    }

    /** A registered version with a package to download; 409 {@code version_not_a_package} for an image or other artifact. */
    private VersionRecord requirePackage(String name, String version) {
        VersionRecord record = requireDeployable(name, version, "download");
        if (record.artifact() != null) {
            throw new VergeException(ErrorKind.CONFLICT, "version_not_a_package",
                    record.key() + " is a " + record.artifact().kind() + " published elsewhere, not a package: pull "
                            + record.artifact().reference()
                            + (record.artifact().digest() == null ? "" : " (" + record.artifact().digest() + ")"));
        }
        return record;
    }

    private ModelStages stagesOf(String name) {
        return stages.get(name).map(Revisioned::value).orElse(ModelStages.empty(name));
    }

    private ModelVersion view(VersionRecord record) {
        return ModelVersion.of(record, stagesOf(record.name()));
    }

    private static String describe(PackageSource source) {
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
