package dev.verge.cloud.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.port.BlobInfo;
import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import dev.verge.cloud.testing.RegistryPackages;
import dev.verge.cloud.testing.TestClock;
import dev.verge.error.VergeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(120)
class ModelRegistryTest {
    private static final String NAME = "fruit";

    @TempDir
    Path temp;

    private final TestClock clock = new TestClock();
    private InMemoryBlobStore blobs;
    private InMemoryMetadataStore metadata;
    private ModelRegistry registry;

    @BeforeEach
    void setUp() {
        blobs = new InMemoryBlobStore(clock);
        metadata = new InMemoryMetadataStore();
        registry = newRegistry(blobs, RegistryConfig.defaults());
    }

    private ModelRegistry newRegistry(BlobStore blobStore, RegistryConfig config) {
        return new ModelRegistry(blobStore, metadata, clock, config.withTempDir(temp.resolve("spool")));
    }

    private Registration register(byte[] zip) {
        return registry.register(new ByteArrayInputStream(zip), null, PackageSource.api("tester"));
    }

    private void assertNoSpoolLeft() throws IOException {
        Path spool = temp.resolve("spool");
        if (Files.exists(spool)) {
            try (Stream<Path> files = Files.list(spool)) {
                assertThat(files).isEmpty();
            }
        }
    }

    private static InputStream in(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }

    private byte[] blob(String key) throws IOException {
        try (InputStream in = blobs.get(key).orElseThrow()) {
            return in.readAllBytes();
        }
    }

    // ---- registration --------------------------------------------------------------------------

    @Test
    void register_validPackage_storesPackageAndRecord() throws Exception {
        byte[] zip = RegistryPackages.valid(NAME, "1");

        Registration registration = register(zip);

        assertThat(registration.created()).isTrue();
        ModelVersion v = registration.version();
        assertThat(v.status()).isEqualTo(VersionStatus.REGISTERED);
        assertThat(v.stage()).isEqualTo(Stage.NONE);
        assertThat(v.sha256()).isEqualTo(RegistryPackages.sha256(zip));
        assertThat(v.size()).isEqualTo(zip.length);
        assertThat(v.model().opset()).isPositive();
        assertThat(v.model().onnxRuntimeVersion()).isNotBlank();
        assertThat(v.model().inputShape()).containsExactly(1L, 3L, 224L, 224L);
        assertThat(v.source()).isEqualTo(PackageSource.api("tester"));
        assertThat(v.createdAt()).isEqualTo(clock.instant());
        assertThat(blob("models/fruit/1/package.zip")).isEqualTo(zip);
        assertThat(metadata.get("model-versions", "fruit/1")).isPresent();
        assertNoSpoolLeft();
    }

    @Test
    void register_sameBytesTwice_returnsExistingRecord() {
        byte[] zip = RegistryPackages.valid(NAME, "1");
        Registration first = register(zip);
        clock.advance(Duration.ofMinutes(5));

        Registration second = register(zip);

        assertThat(second.created()).isFalse();
        assertThat(second.version()).isEqualTo(first.version());
        assertThat(metadata.get("model-versions", "fruit/1").orElseThrow().revision()).isEqualTo(2);
    }

    @Test
    void register_differentBytesSameVersion_conflictCarriesBothDigests() throws Exception {
        byte[] first = RegistryPackages.valid(NAME, "1");
        byte[] second = RegistryPackages.validVariant(NAME, "1");
        register(first);

        VersionConflictException e = catchThrowableOfType(VersionConflictException.class, () -> register(second));

        assertThat(e.kind().httpStatus()).isEqualTo(409);
        assertThat(e.code()).isEqualTo("version_conflict");
        assertThat(e.existingSha256()).isEqualTo(RegistryPackages.sha256(first));
        assertThat(e.uploadedSha256()).isEqualTo(RegistryPackages.sha256(second));
        assertThat(e.getMessage()).contains(e.existingSha256()).contains(e.uploadedSha256());
        assertThat(blob("models/fruit/1/package.zip")).isEqualTo(first);
    }

    @Test
    void register_pathNameDisagreesWithManifest_isRefusedAndStoresNothing() {
        assertThatThrownBy(() -> registry.register(in(RegistryPackages.valid(NAME, "1")), "other", PackageSource.api("t")))
                .isInstanceOfSatisfying(VergeException.class, e -> assertThat(e.code()).isEqualTo("name_mismatch"));

        assertThat(metadata.dump()).isEmpty();
        assertThat(blobs.keys()).isEmpty();
    }

    static Stream<Arguments> badPackages() {
        return Stream.of(
                Arguments.of("empty", (Supplier<byte[]>) () -> new byte[0], 400, "package_empty"),
                Arguments.of("not a zip", (Supplier<byte[]>) RegistryPackages::notAZip, 400, "package_invalid"),
                Arguments.of("truncated zip", (Supplier<byte[]>) () -> RegistryPackages.truncatedZip(NAME, "1"), 400, "package_invalid"),
                Arguments.of("manifest not JSON", (Supplier<byte[]>) RegistryPackages::manifestNotJson, 422, "manifest_invalid"),
                Arguments.of("version with slash", (Supplier<byte[]>) () -> RegistryPackages.valid(NAME, "1/2"), 400, "model_version_invalid"),
                Arguments.of("version with dots", (Supplier<byte[]>) () -> RegistryPackages.valid(NAME, ".."), 400, "model_version_invalid"),
                Arguments.of("name with control character", (Supplier<byte[]>) () -> RegistryPackages.valid("fr\u0000uit", "1"), 400, "model_name_invalid"),
                Arguments.of("name with dots", (Supplier<byte[]>) () -> RegistryPackages.valid("a..b", "1"), 400, "model_name_invalid"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPackages")
    void register_badPackage_isRefusedWithReasonAndStoresNothing(String what, Supplier<byte[]> zip, int status, String code)
            throws IOException {
        VergeException e = catchThrowableOfType(VergeException.class, () -> register(zip.get()));

        assertThat(e).as(what).isNotNull();
        assertThat(e.kind().httpStatus()).as(e.getMessage()).isEqualTo(status);
        assertThat(e.code()).isEqualTo(code);
        assertThat(e.getMessage()).isNotBlank();
        assertThat(metadata.dump()).isEmpty();
        assertThat(blobs.keys()).isEmpty();
        assertNoSpoolLeft();
    }

    @Test
    void register_zipBomb_isRefusedAndRecordedRejected() {
        registry = newRegistry(blobs, RegistryConfig.defaults().withMaxUnpackedBytes(1 << 20));
        byte[] bomb = RegistryPackages.zipBomb(NAME, "1", 64L << 20);
        assertThat(bomb.length).isLessThan(1 << 20);

        PackageRejectedException e = catchThrowableOfType(PackageRejectedException.class, () -> register(bomb));

        assertThat(e.kind().httpStatus()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("package_invalid");
        assertThat(e.getMessage()).contains("zip bomb");
        assertThat(blobs.keys()).isEmpty();
        assertThat(registry.get(NAME, "1").status()).isEqualTo(VersionStatus.REJECTED);
    }

    @Test
    void register_zipBombUnderTheSizeLimit_isRefusedForItsCompressionRatio() throws IOException {
        byte[] bomb = RegistryPackages.zipBomb(NAME, "1", 64L << 20);

        PackageRejectedException e = catchThrowableOfType(PackageRejectedException.class, () -> register(bomb));

        assertThat(e.kind().httpStatus()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("package_invalid");
        assertThat(e.getMessage()).contains("times its size").contains("zip bomb");
        assertThat(blobs.keys()).isEmpty();
        assertNoSpoolLeft();
    }

    @Test
    void defaults_packageLimits_areTheOnesEveryRuntimeShares() {
        assertThat(RegistryConfig.defaults().zipLimits()).isEqualTo(dev.verge.inference.pkg.ZipLimits.defaults());
        assertThatThrownBy(() -> RegistryConfig.defaults().withMaxPackageBytes(1L << 30))
                .hasMessageContaining("512 MiB");
    }

    @Test
    void register_smokeTestPastTheTimeLimit_isRejectedAsTooSlow() throws IOException {
        registry = newRegistry(blobs, RegistryConfig.defaults().withMaxSmokeTestTime(Duration.ofMillis(200)));
        byte[] looping = RegistryPackages.looping(NAME, "1", 1_000_000_000_000L);

        long start = System.nanoTime();
        PackageRejectedException e = catchThrowableOfType(PackageRejectedException.class, () -> register(looping));

        assertThat(e.kind().httpStatus()).isEqualTo(422);
        assertThat(e.code()).isEqualTo("model_too_slow");
        assertThat(e.getMessage()).contains("200 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
        assertThat(registry.get(NAME, "1").status()).isEqualTo(VersionStatus.REJECTED);
        assertThat(blobs.keys()).isEmpty();
    }

    @Test
    void register_modelReadingOutsideThePackage_isRejectedWithoutNamingServerPaths() {
        List<String> locations = List.of("../../etc/passwd", "/etc/passwd", "missing.bin");
        for (String location : locations) {
            String version = Integer.toString(locations.indexOf(location) + 1);
            PackageRejectedException e = catchThrowableOfType(PackageRejectedException.class,
                    () -> register(RegistryPackages.externalWeights(NAME, version, location)));

            assertThat(e.kind().httpStatus()).as(location).isEqualTo(422);
            String told = e.getMessage() + e.reasons();
            assertThat(told).as(location).contains("External data")
                    .doesNotContain(temp.toString()).doesNotContain(System.getProperty("java.io.tmpdir"))
                    .doesNotContain("verge-package-");
        }
    }

    @Test
    void register_zipSlip_isRefusedAndNothingEscapes() {
        PackageRejectedException e = catchThrowableOfType(PackageRejectedException.class,
                () -> register(RegistryPackages.zipSlip(NAME, "1")));

        assertThat(e.code()).isEqualTo("package_invalid");
        assertThat(blobs.keys()).isEmpty();
        assertThat(temp.getParent().resolve("escaped.txt")).doesNotExist();
        assertThat(temp.resolve("escaped.txt")).doesNotExist();
    }

    @Test
    void register_brokenArchiveAgain_keepsItsStatus() {
        byte[] slip = RegistryPackages.zipSlip(NAME, "1");
        PackageRejectedException first = catchThrowableOfType(PackageRejectedException.class, () -> register(slip));

        PackageRejectedException again = catchThrowableOfType(PackageRejectedException.class, () -> register(slip));

        assertThat(first.kind().httpStatus()).isEqualTo(400);
        assertThat(again.kind().httpStatus()).isEqualTo(400);
        assertThat(again.code()).isEqualTo("package_invalid");
    }

    @Test
    void register_overSizeLimit_is413AndStoresNothing() throws IOException {
        registry = newRegistry(blobs, RegistryConfig.defaults().withMaxPackageBytes(200));

        VergeException e = catchThrowableOfType(VergeException.class, () -> register(RegistryPackages.valid(NAME, "1")));

        assertThat(e.kind().httpStatus()).isEqualTo(413);
        assertThat(e.code()).isEqualTo("package_too_large");
        assertThat(metadata.dump()).isEmpty();
        assertNoSpoolLeft();
    }

    @Test
    void register_invalidPackage_recordsEveryReasonAndStoresNoPackage() {
        PackageRejectedException e = catchThrowableOfType(PackageRejectedException.class,
                () -> register(RegistryPackages.manifestWithProblems(NAME, "1")));

        assertThat(e.kind().httpStatus()).isEqualTo(422);
        assertThat(e.reasons()).extracting(Reason::path).contains("input.layout", "input.width", "input.mean");
        assertThat(e.getMessage()).contains("input.layout").contains("input.width").contains("input.mean");
        ModelVersion recorded = registry.get(NAME, "1");
        assertThat(recorded.status()).isEqualTo(VersionStatus.REJECTED);
        assertThat(recorded.deployable()).isFalse();
        assertThat(recorded.reasons()).isEqualTo(e.reasons());
        assertThat(recorded.model()).isNull();
        assertThat(blobs.keys()).isEmpty();
    }

    @Test
    void register_rejectedBytesAgain_returnsTheSameRejection() {
        byte[] bad = RegistryPackages.unloadableModel(NAME, "1");
        PackageRejectedException first = catchThrowableOfType(PackageRejectedException.class, () -> register(bad));
        clock.advance(Duration.ofMinutes(1));

        PackageRejectedException second = catchThrowableOfType(PackageRejectedException.class, () -> register(bad));

        assertThat(first.code()).isEqualTo("model_load_failed");
        assertThat(second.code()).isEqualTo("model_load_failed");
        assertThat(second.version().orElseThrow().createdAt()).isEqualTo(first.version().orElseThrow().createdAt());
        assertThat(metadata.get("model-versions", "fruit/1").orElseThrow().revision()).isEqualTo(1);
    }

    @Test
    void register_validPackageOverRejectedVersion_replacesTheRejection() {
        catchThrowableOfType(PackageRejectedException.class, () -> register(RegistryPackages.digestMismatch(NAME, "1")));

        Registration fixed = register(RegistryPackages.valid(NAME, "1"));

        assertThat(fixed.created()).isTrue();
        assertThat(fixed.version().status()).isEqualTo(VersionStatus.REGISTERED);
        assertThat(fixed.version().reasons()).isEmpty();
    }

    @Test
    void register_blobStoreFailsWhileStoring_leavesNoRecordBehind() {
        BlobStore failing = new FailingPuts(blobs);
        registry = newRegistry(failing, RegistryConfig.defaults());

        assertThatThrownBy(() -> register(RegistryPackages.valid(NAME, "1"))).hasMessageContaining("disk full");

        assertThat(metadata.dump()).isEmpty();
        assertThat(blobs.keys()).isEmpty();
        registry = newRegistry(blobs, RegistryConfig.defaults());
        assertThat(register(RegistryPackages.valid(NAME, "1")).created()).isTrue();
    }

    @Test
    void register_abandonedPendingClaim_isTakenOverOnceStale() {
        byte[] zip = RegistryPackages.valid(NAME, "1");
        VersionRecord abandoned = new VersionRecord(NAME, "1", VersionStatus.PENDING, "ab".repeat(32), 10, null, null,
                null, null, PackageSource.api("crashed"), List.of(), clock.instant(), clock.instant());
        metadata.create("model-versions", "fruit/1", CloudJson.toString(abandoned));

        assertThatThrownBy(() -> register(zip)).isInstanceOf(VersionConflictException.class);
        clock.advance(Duration.ofHours(1));
        Registration registration = register(zip);

        assertThat(registration.created()).isTrue();
        assertThat(registration.version().sha256()).isEqualTo(RegistryPackages.sha256(zip));
    }

    @Test
    void register_concurrentDifferentBytesForOneVersion_exactlyOneWins() throws Exception {
        List<byte[]> packages = List.of(RegistryPackages.valid(NAME, "1"), RegistryPackages.validVariant(NAME, "1"),
                RegistryPackages.withManifest(NAME, "1", m -> m.put("task", "classification").put("extra", 1)));
        List<Future<Registration>> results = race(packages.stream()
                .map(zip -> (Callable<Registration>) () -> register(zip)).toList());

        int wins = 0;
        int conflicts = 0;
        String winner = null;
        for (Future<Registration> result : results) {
            try {
                winner = result.get().version().sha256();
                wins++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(VersionConflictException.class);
                conflicts++;
            }
        }
        assertThat(wins).isEqualTo(1);
        assertThat(conflicts).isEqualTo(packages.size() - 1);
        assertThat(RegistryPackages.sha256(blob("models/fruit/1/package.zip"))).isEqualTo(winner);
        assertThat(registry.get(NAME, "1").sha256()).isEqualTo(winner);
    }

    @Test
    void register_concurrentSameBytes_allGetTheOneRecord() throws Exception {
        byte[] zip = RegistryPackages.valid(NAME, "1");
        List<Future<Registration>> results = race(List.of(() -> register(zip), () -> register(zip), () -> register(zip)));

        int created = 0;
        for (Future<Registration> result : results) {
            Registration r = result.get();
            assertThat(r.version().status()).isEqualTo(VersionStatus.REGISTERED);
            assertThat(r.version().sha256()).isEqualTo(RegistryPackages.sha256(zip));
            created += r.created() ? 1 : 0;
        }
        assertThat(created).isEqualTo(1);
    }

    private static <T> List<Future<T>> race(List<Callable<T>> tasks) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(100, TimeUnit.SECONDS)).isTrue();
            return futures;
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- stages --------------------------------------------------------------------------------

    @Test
    void promote_newProduction_archivesThePreviousOne() {
        register(RegistryPackages.valid(NAME, "1"));
        register(RegistryPackages.valid(NAME, "2"));
        registry.promote(NAME, "1", "alice");
        clock.advance(Duration.ofMinutes(1));

        ModelVersion v2 = registry.changeStage(NAME, "2", Stage.PRODUCTION, "bob", "better on the new line");

        assertThat(v2.stage()).isEqualTo(Stage.PRODUCTION);
        assertThat(v2.history()).singleElement().satisfies(c -> {
            assertThat(c.from()).isEqualTo(Stage.NONE);
            assertThat(c.by()).isEqualTo("bob");
            assertThat(c.reason()).isEqualTo("better on the new line");
            assertThat(c.at()).isEqualTo(clock.instant());
        });
        ModelVersion v1 = registry.get(NAME, "1");
        assertThat(v1.stage()).isEqualTo(Stage.ARCHIVED);
        assertThat(v1.history()).extracting(StageChange::to).containsExactly(Stage.PRODUCTION, Stage.ARCHIVED);
        assertThat(registry.listModels()).singleElement().satisfies(m -> assertThat(m.production()).isEqualTo("2"));
    }

    @Test
    void promote_archivedVersionBack_isARollback() {
        register(RegistryPackages.valid(NAME, "1"));
        register(RegistryPackages.valid(NAME, "2"));
        registry.promote(NAME, "1", "alice");
        registry.promote(NAME, "2", "alice");

        registry.promote(NAME, "1", "carol");

        assertThat(registry.get(NAME, "1").stage()).isEqualTo(Stage.PRODUCTION);
        assertThat(registry.get(NAME, "2").stage()).isEqualTo(Stage.ARCHIVED);
    }

    @Test
    void changeStage_toCurrentStage_changesNothing() {
        register(RegistryPackages.valid(NAME, "1"));
        registry.changeStage(NAME, "1", Stage.STAGING, "alice", null);

        ModelVersion again = registry.changeStage(NAME, "1", Stage.STAGING, "alice", null);

        assertThat(again.history()).hasSize(1);
    }

    @Test
    void promote_concurrentlyManyVersions_leavesExactlyOneInProduction() throws Exception {
        List<String> versions = List.of("1", "2", "3", "4");
        for (String v : versions) {
            register(RegistryPackages.valid(NAME, v));
        }

        for (Future<ModelVersion> f : race(versions.stream()
                .map(v -> (Callable<ModelVersion>) () -> registry.promote(NAME, v, "user-" + v)).toList())) {
            f.get();
        }

        List<ModelVersion> all = registry.listVersions(NAME);
        assertThat(all).filteredOn(v -> v.stage() == Stage.PRODUCTION).hasSize(1);
        assertThat(all).filteredOn(v -> v.stage() == Stage.ARCHIVED).hasSize(3);
    }

    @Test
    void promote_rejectedVersion_isRefusedWith409() {
        catchThrowableOfType(PackageRejectedException.class, () -> register(RegistryPackages.digestMismatch(NAME, "1")));

        VergeException e = catchThrowableOfType(VergeException.class, () -> registry.promote(NAME, "1", "alice"));

        assertThat(e.kind().httpStatus()).isEqualTo(409);
        assertThat(e.code()).isEqualTo("version_rejected");
        assertThat(metadata.get("models", NAME)).isEmpty();
    }

    @Test
    void promote_unknownVersion_is404() {
        VergeException e = catchThrowableOfType(VergeException.class, () -> registry.promote(NAME, "7", "alice"));

        assertThat(e.code()).isEqualTo("model_version_not_found");
    }

    // ---- reading -------------------------------------------------------------------------------

    @Test
    void listModels_countsRegisteredAndRejectedVersions() {
        register(RegistryPackages.valid(NAME, "2"));
        register(RegistryPackages.valid(NAME, "10"));
        catchThrowableOfType(PackageRejectedException.class, () -> register(RegistryPackages.digestMismatch(NAME, "11")));
        register(RegistryPackages.valid("apple", "1"));

        List<ModelSummary> models = registry.listModels();

        assertThat(models).extracting(ModelSummary::name).containsExactly("apple", "fruit");
        ModelSummary fruit = models.get(1);
        assertThat(fruit.versions()).isEqualTo(2);
        assertThat(fruit.rejected()).isEqualTo(1);
        assertThat(fruit.latestVersion()).isEqualTo("10");
        assertThat(fruit.production()).isNull();
    }

    @Test
    void openPackage_registered_streamsTheStoredBytes() throws Exception {
        byte[] zip = RegistryPackages.valid(NAME, "1");
        register(zip);

        PackageDownload download = registry.openPackage(NAME, "1");

        try (InputStream in = download.in()) {
            assertThat(in.readAllBytes()).isEqualTo(zip);
        }
        assertThat(download.size()).isEqualTo(zip.length);
        assertThat(download.fileName()).isEqualTo("fruit-1.zip");
    }

    @Test
    void register_sameBytesAfterPackageBlobWasLost_restoresIt() throws Exception {
        byte[] zip = RegistryPackages.valid(NAME, "1");
        register(zip);
        blobs.delete("models/fruit/1/package.zip");

        register(zip);

        assertThat(blob("models/fruit/1/package.zip")).isEqualTo(zip);
    }

    // ---- blob-created events -------------------------------------------------------------------

    private UploadOutcome drop(String key, byte[] zip) {
        BlobInfo info = blobs.put(key, in(zip), zip.length, "application/zip");
        return registry.onPackageUploaded(key, info.etag(), info.size(), PackageSource.bucket("bucket-1", "uploader"));
    }

    @Test
    void onPackageUploaded_packageDroppedUnderModels_registersItAndCopiesToItsKey() throws Exception {
        byte[] zip = RegistryPackages.valid(NAME, "3");

        UploadOutcome outcome = drop("models/incoming/fruit-v3.zip", zip);

        assertThat(outcome.result()).isEqualTo(UploadOutcome.Result.REGISTERED);
        ModelVersion v = outcome.version();
        assertThat(v.name()).isEqualTo(NAME);
        assertThat(v.version()).isEqualTo("3");
        assertThat(v.source().kind()).isEqualTo("blob");
        assertThat(v.source().store()).isEqualTo("bucket-1");
        assertThat(v.source().key()).isEqualTo("models/incoming/fruit-v3.zip");
        assertThat(v.source().etag()).isNotBlank();
        assertThat(v.source().by()).isEqualTo("uploader");
        assertThat(blob("models/fruit/3/package.zip")).isEqualTo(zip);
    }

    @Test
    void onPackageUploaded_redeliveredEvent_changesNothingAndDoesNotDownloadAgain() {
        byte[] zip = RegistryPackages.valid(NAME, "3");
        BlobInfo info = blobs.put("models/x.zip", in(zip), zip.length, "application/zip");
        PackageSource source = PackageSource.bucket("bucket-1", "uploader");
        registry.onPackageUploaded(info.key(), info.etag(), info.size(), source);
        int downloads = blobs.gets();
        var before = metadata.dump();

        UploadOutcome again = registry.onPackageUploaded(info.key(), info.etag(), info.size(), source);

        assertThat(again.result()).isEqualTo(UploadOutcome.Result.ALREADY_REGISTERED);
        assertThat(again.version().version()).isEqualTo("3");
        assertThat(blobs.gets()).isEqualTo(downloads);
        assertThat(metadata.dump()).isEqualTo(before);
    }

    @Test
    void onPackageUploaded_eventForTheRegistrysOwnCopy_isRecognisedWithoutDownload() {
        register(RegistryPackages.valid(NAME, "1"));
        BlobInfo stored = blobs.head("models/fruit/1/package.zip").orElseThrow();
        int downloads = blobs.gets();

        UploadOutcome outcome = registry.onPackageUploaded(stored.key(), stored.etag(), stored.size(),
                PackageSource.bucket("bucket-1", "registry"));

        assertThat(outcome.result()).isEqualTo(UploadOutcome.Result.ALREADY_REGISTERED);
        assertThat(blobs.gets()).isEqualTo(downloads);
    }

    @Test
    void onPackageUploaded_droppedAtItsOwnKey_registersWithoutCopy() {
        byte[] zip = RegistryPackages.valid(NAME, "4");

        UploadOutcome outcome = drop("models/fruit/4/package.zip", zip);

        assertThat(outcome.result()).isEqualTo(UploadOutcome.Result.REGISTERED);
        assertThat(blobs.keys()).containsExactly("models/fruit/4/package.zip");
        assertThat(registry.openPackage(NAME, "4").sha256()).isEqualTo(RegistryPackages.sha256(zip));
    }

    @Test
    void onPackageUploaded_keyDisagreesWithManifest_isRejectedNotRegistered() {
        UploadOutcome outcome = drop("models/apple/4/package.zip", RegistryPackages.valid(NAME, "4"));

        assertThat(outcome.result()).isEqualTo(UploadOutcome.Result.REJECTED);
        assertThat(outcome.reason()).contains("name_mismatch");
        assertThat(metadata.get("model-versions", "fruit/4")).isEmpty();
        assertThat(metadata.get("model-versions", "apple/4")).isEmpty();
    }

    @Test
    void onPackageUploaded_invalidPackage_isRejectedAndRedeliveryDoesNotValidateAgain() {
        byte[] bad = RegistryPackages.digestMismatch(NAME, "5");
        BlobInfo info = blobs.put("models/bad.zip", in(bad), bad.length, "application/zip");
        PackageSource source = PackageSource.bucket("bucket-1", "uploader");

        UploadOutcome first = registry.onPackageUploaded(info.key(), info.etag(), info.size(), source);
        int downloads = blobs.gets();
        UploadOutcome again = registry.onPackageUploaded(info.key(), info.etag(), info.size(), source);

        assertThat(first.result()).isEqualTo(UploadOutcome.Result.REJECTED);
        assertThat(first.reason()).contains("package_digest_mismatch");
        assertThat(first.version().status()).isEqualTo(VersionStatus.REJECTED);
        assertThat(again.result()).isEqualTo(UploadOutcome.Result.REJECTED);
        assertThat(blobs.gets()).isEqualTo(downloads);
        assertThat(blobs.keys()).containsExactly("models/bad.zip");
    }

    @Test
    void onPackageUploaded_corruptZip_isRejectedWithReasonAndRecordsNoVersion() {
        UploadOutcome outcome = drop("models/broken.zip", RegistryPackages.notAZip());

        assertThat(outcome.result()).isEqualTo(UploadOutcome.Result.REJECTED);
        assertThat(outcome.reason()).contains("package_invalid");
        assertThat(metadata.list("model-versions", "")).isEmpty();
    }

    @Test
    void onPackageUploaded_notAPackage_isIgnoredWithReason() {
        byte[] text = "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        UploadOutcome readme = drop("models/readme.txt", text);
        UploadOutcome elsewhere = drop("samples/fruit.zip", RegistryPackages.valid(NAME, "1"));
        UploadOutcome empty = registry.onPackageUploaded("models/empty.zip", "etag", 0, PackageSource.bucket("b", "u"));

        assertThat(readme.result()).isEqualTo(UploadOutcome.Result.IGNORED);
        assertThat(readme.reason()).contains("models/readme.txt").contains("not a model package");
        assertThat(elsewhere.result()).isEqualTo(UploadOutcome.Result.IGNORED);
        assertThat(elsewhere.reason()).contains("not under models/");
        assertThat(empty.result()).isEqualTo(UploadOutcome.Result.IGNORED);
        assertThat(metadata.dump()).isEmpty();
    }

    @Test
    void onPackageUploaded_objectOverwrittenWithOtherBytes_isReportedAsConflict() {
        drop("models/fruit/6/package.zip", RegistryPackages.valid(NAME, "6"));

        UploadOutcome outcome = drop("models/fruit/6/package.zip", RegistryPackages.validVariant(NAME, "6"));

        assertThat(outcome.result()).isEqualTo(UploadOutcome.Result.REJECTED);
        assertThat(outcome.reason()).contains("version_conflict");
    }

    /** A blob store whose writes fail, as a full disk or a network outage would. */
    private record FailingPuts(BlobStore inner) implements BlobStore {
        @Override
        public BlobInfo put(String key, InputStream data, long length, String contentType) {
            throw new java.io.UncheckedIOException(new IOException("disk full"));
        }

        @Override
        public Optional<InputStream> get(String key) {
            return inner.get(key);
        }

        @Override
        public Optional<BlobInfo> head(String key) {
            return inner.head(key);
        }

        @Override
        public List<BlobInfo> list(String prefix) {
            return inner.list(prefix);
        }

        @Override
        public boolean delete(String key) {
            return inner.delete(key);
        }

        @Override
        public String downloadUrl(String key, long ttlSeconds) {
            return inner.downloadUrl(key, ttlSeconds);
        }
    }
}
