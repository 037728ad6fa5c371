package dev.verge.cloud.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.cloud.port.BlobInfo;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import dev.verge.cloud.testing.TestClock;
import dev.verge.demo.CustomVisionExports;
import dev.verge.error.VergeException;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.pkg.CustomVisionExport;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.predict.LabelScore;
import dev.verge.inference.predict.Prediction;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.ThreadSettings;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Custom Vision ONNX exports registered as they come, from the API and from a bucket drop. */
@Timeout(120)
class CustomVisionExportRegistryTest {
    @TempDir
    Path temp;

    private final TestClock clock = new TestClock();
    private InMemoryBlobStore blobs;
    private ModelRegistry registry;

    @BeforeEach
    void setUp() {
        blobs = new InMemoryBlobStore(clock);
        registry = new ModelRegistry(blobs, new InMemoryMetadataStore(), clock,
                RegistryConfig.defaults().withTempDir(temp.resolve("spool")));
    }

    @Test
    void register_exportWithNameAndVersion_registersTheDerivedPackage() throws Exception {
        byte[] export = Files.readAllBytes(CustomVisionExports.fruitClassifier(temp.resolve("export.zip"), true, false,
                "Bgr8", "Normalized_0_1"));

        Registration registration = registry.register(in(export), "fruit", "7", PackageSource.api("tester"));

        ModelVersion v = registration.version();
        assertThat(registration.created()).isTrue();
        assertThat(v.status()).isEqualTo(VersionStatus.REGISTERED);
        assertThat(v.name()).isEqualTo("fruit");
        assertThat(v.version()).isEqualTo("7");
        assertThat(v.manifest().path("labels").toString()).isEqualTo("[\"ripe\",\"unripe\"]");
        assertThat(v.manifest().path("input").path("channels").asText()).isEqualTo("BGR");
        byte[] stored = blob("models/fruit/7/package.zip");
        assertThat(CustomVisionExport.isExport(write(stored))).as("stored as a Verge package").isFalse();
        assertThat(v.sha256()).isEqualTo(ModelPackage.sha256(stored));
        assertServesRipe(stored);
    }

    @Test
    void register_sameExportTwice_sameVersionNotA409() throws Exception {
        byte[] export = Files.readAllBytes(CustomVisionExports.fruitDetector(temp.resolve("export.zip"), false));
        Registration first = registry.register(in(export), "fruit", "7", PackageSource.api("tester"));

        Registration second = registry.register(in(export), "fruit", "7", PackageSource.api("tester"));

        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(second.version().sha256()).isEqualTo(first.version().sha256());
    }

    @Test
    void register_exportWithoutVersion_400NamingWhatToGive() throws Exception {
        byte[] export = Files.readAllBytes(CustomVisionExports.fruitYoloRegion(temp.resolve("export.zip"), "0.45"));

        assertThatThrownBy(() -> registry.register(in(export), "fruit", null, PackageSource.api("tester")))
                .isInstanceOfSatisfying(VergeException.class, e -> {
                    assertThat(e.kind().httpStatus()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("export_needs_name_and_version");
                });
    }

    @Test
    void register_exportOfAnotherPlatform_recordedAsRejectedWithTheField() throws Exception {
        byte[] export = Files.readAllBytes(CustomVisionExports.fruitClassifier(temp.resolve("export.zip"), false, true,
                "Rgb8", "Normalized_0_1"));
        byte[] tensorflow = replaceInZip(export, "cvexport.manifest", "\"ONNX\"", "\"TensorFlow\"");

        assertThatThrownBy(() -> registry.register(in(tensorflow), "fruit", "8", PackageSource.api("tester")))
                .isInstanceOfSatisfying(PackageRejectedException.class, e -> assertThat(e.getMessage())
                        .contains("cvexport.manifest.Platform"));
        assertThat(registry.get("fruit", "8").status()).isEqualTo(VersionStatus.REJECTED);
    }

    @Test
    void onPackageUploaded_exportDroppedAtItsKey_registeredAndReplacedByThePackage() throws Exception {
        byte[] export = Files.readAllBytes(CustomVisionExports.fruitYoloRegion(temp.resolve("export.zip"), "0.45"));
        String key = ModelRegistry.packageKey("fruit", "7");
        BlobInfo info = blobs.put(key, in(export), export.length, "application/zip");

        UploadOutcome outcome = registry.onPackageUploaded(key, info.etag(), info.size(),
                PackageSource.bucket("bucket-1", "uploader"));

        assertThat(outcome.result()).isEqualTo(UploadOutcome.Result.REGISTERED);
        assertThat(outcome.version().name()).isEqualTo("fruit");
        assertThat(outcome.version().version()).isEqualTo("7");
        assertThat(outcome.version().manifest().path("output").path("decoding").asText()).isEqualTo("yolo-region");
        byte[] stored = blob(key);
        assertThat(CustomVisionExport.isExport(write(stored))).isFalse();
        // the registry's own write to the key is an event too: recognised, nothing registered again
        BlobInfo rewritten = blobs.head(key).orElseThrow();
        UploadOutcome own = registry.onPackageUploaded(key, rewritten.etag(), rewritten.size(),
                PackageSource.bucket("bucket-1", "registry"));
        assertThat(own.result()).isEqualTo(UploadOutcome.Result.ALREADY_REGISTERED);
    }

    @Test
    void onPackageUploaded_sameExportDroppedAgain_packagePutBack() throws Exception {
        byte[] export = Files.readAllBytes(CustomVisionExports.fruitDetector(temp.resolve("export.zip"), false));
        String key = ModelRegistry.packageKey("fruit", "7");
        BlobInfo first = blobs.put(key, in(export), export.length, "application/zip");
        registry.onPackageUploaded(key, first.etag(), first.size(), PackageSource.bucket("bucket-1", "uploader"));
        byte[] registered = blob(key);

        BlobInfo again = blobs.put(key, in(export), export.length, "application/zip");
        UploadOutcome outcome = registry.onPackageUploaded(key, again.etag() + "-2", again.size(),
                PackageSource.bucket("bucket-1", "uploader"));

        assertThat(outcome.result()).isEqualTo(UploadOutcome.Result.ALREADY_REGISTERED);
        assertThat(blob(key)).as("the key holds the registered package again, not the export").isEqualTo(registered);
        assertThat(registry.get("fruit", "7").sha256()).isEqualTo(ModelPackage.sha256(blob(key)));
    }

    @Test
    void onPackageUploaded_exportWithoutNameAndVersionInItsKey_rejectedWithTheReason() throws Exception {
        byte[] export = Files.readAllBytes(CustomVisionExports.fruitDetector(temp.resolve("export.zip"), false));
        BlobInfo info = blobs.put("models/incoming/export.zip", in(export), export.length, "application/zip");

        UploadOutcome outcome = registry.onPackageUploaded(info.key(), info.etag(), info.size(),
                PackageSource.bucket("bucket-1", "uploader"));

        assertThat(outcome.result()).isEqualTo(UploadOutcome.Result.REJECTED);
        assertThat(outcome.reason()).startsWith("export_needs_name_and_version");
    }

    private void assertServesRipe(byte[] packageZip) throws IOException {
        Path pkg = write(packageZip);
        try (ModelPackage opened = ModelPackage.open(pkg); Model model = Model.load(opened, new ThreadSettings(1, 1))) {
            BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
            var g = image.createGraphics();
            g.setColor(new Color(0, 51, 204)); // 204 in the Bgr8 model's channel 0: ripe
            g.fillRect(0, 0, 40, 30);
            g.dispose();
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            ImageIO.write(image, "png", png);
            Prediction p = model.predict(png.toByteArray(), ImageLimits.defaults());
            assertThat(p.predictions()).extracting(LabelScore::tagName).first().isEqualTo("ripe");
            assertThat(p.predictions().get(0).probability()).isCloseTo(0.9608342772, org.assertj.core.data.Offset.offset(1e-3));
        }
    }

    private Path write(byte[] bytes) throws IOException {
        Path file = Files.createTempFile(temp, "stored-", ".zip");
        Files.write(file, bytes);
        return file;
    }

    private byte[] blob(String key) throws IOException {
        try (InputStream in = blobs.get(key).orElseThrow()) {
            return in.readAllBytes();
        }
    }

    private byte[] replaceInZip(byte[] zip, String entryName, String from, String to) throws IOException {
        Path source = write(zip);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipFile in = new ZipFile(source.toFile()); var zipOut = new java.util.zip.ZipOutputStream(out)) {
            for (var entry : in.stream().toList()) {
                byte[] bytes = in.getInputStream(entry).readAllBytes();
                if (entry.getName().equals(entryName)) {
                    bytes = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).replace(from, to)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                zipOut.putNextEntry(new java.util.zip.ZipEntry(entry.getName()));
                zipOut.write(bytes);
                zipOut.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static InputStream in(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }
}
