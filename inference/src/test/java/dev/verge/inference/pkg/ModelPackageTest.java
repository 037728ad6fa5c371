package dev.verge.inference.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.demo.DemoModels;
import dev.verge.inference.testing.TestPackages;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPackageTest {
    @TempDir
    Path dir;

    @Test
    void open_folder_readsManifestDigestAndOnnxHeader() throws IOException {
        Path folder = TestPackages.fruitQuality(dir, "4");
        try (ModelPackage pkg = ModelPackage.open(folder)) {
            assertThat(pkg.manifest().name()).isEqualTo("fruit-quality");
            assertThat(pkg.manifest().version()).isEqualTo("4");
            assertThat(pkg.directory()).isEqualTo(folder);
            assertThat(pkg.modelFile()).isEqualTo(folder.resolve("model.onnx"));
            assertThat(pkg.modelSha256()).isEqualTo(pkg.manifest().sha256()).hasSize(64);
            assertThat(pkg.modelSize()).isEqualTo(Files.size(folder.resolve("model.onnx")));
            assertThat(pkg.manifestBytes()).isEqualTo(Files.readAllBytes(folder.resolve("manifest.json")));
            assertThat(pkg.signature()).isEmpty();
            assertThat(pkg.onnxHeader().irVersion()).isEqualTo(8);
            assertThat(pkg.onnxHeader().defaultOpset()).isEqualTo(13);
            assertThat(pkg.onnxHeader().producerName()).isEqualTo("verge-demo-model");
        }
        assertThat(folder).isDirectory(); // closing a folder package leaves the folder alone
    }

    @Test
    void open_folderWithSignature_exposesItsBytes() throws IOException {
        Path folder = TestPackages.fruitQuality(dir);
        byte[] signature = new byte[64];
        new Random(1).nextBytes(signature);
        Files.write(folder.resolve("manifest.sig"), signature);
        try (ModelPackage pkg = ModelPackage.open(folder)) {
            assertThat(pkg.signature()).hasValueSatisfying(s -> assertThat(s).isEqualTo(signature));
        }
    }

    @Test
    void open_zip_unpacksToTemporaryFolderRemovedOnClose() {
        Path zip = TestPackages.fruitQualityZip(dir, "5");
        Path unpacked;
        try (ModelPackage pkg = ModelPackage.open(zip)) {
            unpacked = pkg.directory();
            assertThat(pkg.manifest().version()).isEqualTo("5");
            assertThat(unpacked).isNotEqualTo(dir).exists();
            assertThat(pkg.modelFile()).exists();
        }
        assertThat(unpacked).doesNotExist();
    }

    @Test
    void open_zipWithSingleTopLevelFolder_findsTheManifestInside() throws IOException {
        Path folder = TestPackages.fruitQuality(dir.resolve("src"));
        Path zip = dir.resolve("nested.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String name : new String[] {"manifest.json", "model.onnx"}) {
                out.putNextEntry(new ZipEntry("fruit-quality-1/" + name));
                out.write(Files.readAllBytes(folder.resolve(name)));
                out.closeEntry();
            }
        }
        try (ModelPackage pkg = ModelPackage.open(zip)) {
            assertThat(pkg.manifest().name()).isEqualTo("fruit-quality");
        }
    }

    @Test
    void openZip_stream_opensLikeAFile() throws IOException {
        byte[] zip = Files.readAllBytes(TestPackages.fruitQualityZip(dir, "6"));
        try (ModelPackage pkg = ModelPackage.openZip(new ByteArrayInputStream(zip), ZipLimits.defaults())) {
            assertThat(pkg.manifest().version()).isEqualTo("6");
        }
    }

    @Test
    void openZip_streamOverLimit_refused() throws IOException {
        byte[] zip = Files.readAllBytes(TestPackages.fruitQualityZip(dir, "6"));
        assertThatThrownBy(() -> ModelPackage.openZip(new ByteArrayInputStream(zip), new ZipLimits(1 << 20, 100, 100)))
                .isInstanceOf(PackageInvalidException.class).hasMessageContaining("larger than 100 bytes");
    }

    @Test
    void open_modelChangedAfterManifest_throwsDigestMismatch() throws IOException {
        Path folder = TestPackages.fruitQuality(dir);
        String expected = ModelPackage.sha256(folder.resolve("model.onnx"));
        byte[] model = Files.readAllBytes(folder.resolve("model.onnx"));
        model[model.length - 1] ^= 1;
        Files.write(folder.resolve("model.onnx"), model);
        assertThatThrownBy(() -> ModelPackage.open(folder))
                .isInstanceOfSatisfying(PackageDigestMismatchException.class, e -> {
                    assertThat(e.code()).isEqualTo("package_digest_mismatch");
                    assertThat(e.kind().httpStatus()).isEqualTo(422);
                    assertThat(e.expected()).isEqualTo(expected);
                    assertThat(e.actual()).isEqualTo(ModelPackage.sha256(model)).isNotEqualTo(expected);
                    assertThat(e.getMessage()).contains(e.expected()).contains(e.actual());
                });
    }

    @Test
    void open_modelFileIsNotOnnx_saysSo() {
        byte[] notOnnx = "this is a text file, not a model\n".getBytes(StandardCharsets.UTF_8);
        Path folder = TestPackages.writePackage(dir.resolve("p"), notOnnx, manifestFor(notOnnx));
        assertThatThrownBy(() -> ModelPackage.open(folder))
                .isInstanceOfSatisfying(PackageInvalidException.class, e -> {
                    assertThat(e.code()).isEqualTo("package_invalid");
                    assertThat(e.kind().httpStatus()).isEqualTo(400);
                    assertThat(e.getMessage()).contains("model.onnx is not an ONNX model");
                });
    }

    @Test
    void open_modelFileIsRandomBytesOrEmpty_saysNotOnnx() {
        byte[] noise = new byte[10_000];
        new Random(7).nextBytes(noise);
        for (byte[] model : new byte[][] {noise, new byte[0], Arrays.copyOf(DemoModels.fruitQualityOnnx(), 100)}) {
            Path folder = TestPackages.writePackage(dir.resolve("p" + model.length), model, manifestFor(model));
            assertThatThrownBy(() -> ModelPackage.open(folder))
                    .isInstanceOf(PackageInvalidException.class).hasMessageContaining("is not an ONNX model");
        }
    }

    @Test
    void open_missingManifest_refused() throws IOException {
        Path folder = TestPackages.fruitQuality(dir);
        Files.delete(folder.resolve("manifest.json"));
        assertThatThrownBy(() -> ModelPackage.open(folder))
                .isInstanceOf(PackageInvalidException.class).hasMessageContaining("has no manifest.json");
    }

    @Test
    void open_missingModelFile_refused() throws IOException {
        Path folder = TestPackages.fruitQuality(dir);
        Files.delete(folder.resolve("model.onnx"));
        assertThatThrownBy(() -> ModelPackage.open(folder))
                .isInstanceOf(PackageInvalidException.class).hasMessageContaining("has no model file model.onnx");
    }

    @Test
    void open_nothingThere_refused() {
        assertThatThrownBy(() -> ModelPackage.open(dir.resolve("nope")))
                .isInstanceOf(PackageInvalidException.class).hasMessageContaining("no model package at");
    }

    @Test
    void open_invalidManifest_throwsManifestInvalid() throws IOException {
        Path folder = TestPackages.fruitQuality(dir);
        Files.writeString(folder.resolve("manifest.json"), "{\"name\": \"x\"}");
        assertThatThrownBy(() -> ModelPackage.open(folder)).isInstanceOf(ManifestInvalidException.class);
    }

    @Test
    void open_zipSlipEntry_refusedAndNothingWrittenOutside() throws IOException {
        Path work = dir.resolve("work");
        Path zip = zipOf(dir.resolve("slip.zip"), "manifest.json", "{}", "../evil.txt", "gotcha");
        assertThatThrownBy(() -> ModelPackage.open(zip, ZipLimits.defaults(), work))
                .isInstanceOf(PackageInvalidException.class).hasMessageContaining("points outside the package folder");
        assertThat(work.resolve("evil.txt")).doesNotExist();
        assertThat(dir.resolve("evil.txt")).doesNotExist();
    }

    @Test
    void open_zipWithAbsoluteOrBackslashPaths_refused() throws IOException {
        for (String name : new String[] {"/etc/evil", "..\\evil.txt", "a/../../evil", "C:/evil"}) {
            Path zip = zipOf(dir.resolve(Math.abs(name.hashCode()) + ".zip"), name, "x");
            assertThatThrownBy(() -> ModelPackage.open(zip)).as(name)
                    .isInstanceOf(PackageInvalidException.class).hasMessageContaining("points outside");
        }
    }

    @Test
    void open_zipBombWithLyingSizes_stoppedByBytesActuallyInflated() throws IOException {
        // 4 MiB of zeros whose central directory claims 10 bytes; the limit is 1 MiB
        Path zip = dir.resolve("bomb.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("model.onnx"));
            out.write(new byte[4 << 20]);
            out.closeEntry();
        }
        byte[] bytes = Files.readAllBytes(zip);
        lieAboutUncompressedSizes(bytes, 10);
        Files.write(zip, bytes);
        assertThatThrownBy(() -> ModelPackage.open(zip, new ZipLimits(1 << 20, 100, 1 << 30)))
                .isInstanceOf(PackageInvalidException.class)
                .hasMessageContaining("unpacks to more than 1048576 bytes");
    }

    @Test
    void open_zipInflatingMoreThanTheRatio_refusedUnderTheSizeLimit() throws IOException {
        // 16 MiB of zeros in a zip of about 16 KB: far under 512 MiB, a thousand times its size
        Path zip = dir.resolve("dense.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("model.onnx"));
            out.write(new byte[16 << 20]);
            out.closeEntry();
        }
        assertThatThrownBy(() -> ModelPackage.open(zip))
                .isInstanceOf(PackageInvalidException.class)
                .hasMessageContaining("over 100 times its size");
    }

    @Test
    void open_zipCompressingLikeModelWeights_isNotRefusedForItsRatio() throws IOException {
        // 4 MiB of noise compresses hardly at all, as float weights do: any refusal is about the package, not the ratio
        byte[] noise = new byte[4 << 20];
        new java.util.Random(7).nextBytes(noise);
        Path zip = dir.resolve("weights.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("model.onnx"));
            out.write(noise);
            out.closeEntry();
        }
        assertThatThrownBy(() -> ModelPackage.open(zip))
                .isInstanceOf(PackageInvalidException.class)
                .hasMessageNotContaining("times its size").hasMessageContaining("manifest.json");
    }

    @Test
    void defaults_areTheLimitsEveryRuntimeShares() {
        assertThat(ZipLimits.defaults()).isEqualTo(new ZipLimits(512L << 20, 100, 512L << 20, 100));
    }

    @Test
    void open_zipWithTooManyEntries_refused() throws IOException {
        Path zip = dir.resolve("many.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (int i = 0; i < 101; i++) {
                out.putNextEntry(new ZipEntry("f" + i));
                out.closeEntry();
            }
        }
        assertThatThrownBy(() -> ModelPackage.open(zip))
                .isInstanceOf(PackageInvalidException.class).hasMessageContaining("101 entries");
    }

    @Test
    void open_corruptZip_refused() throws IOException {
        Path random = dir.resolve("random.zip");
        byte[] noise = new byte[5000];
        new Random(3).nextBytes(noise);
        Files.write(random, noise);
        assertThatThrownBy(() -> ModelPackage.open(random))
                .isInstanceOf(PackageInvalidException.class).hasMessageContaining("not a readable zip");

        byte[] real = Files.readAllBytes(TestPackages.fruitQualityZip(dir, "1"));
        Path truncated = dir.resolve("truncated.zip");
        Files.write(truncated, Arrays.copyOf(real, real.length - 30));
        assertThatThrownBy(() -> ModelPackage.open(truncated))
                .isInstanceOf(PackageInvalidException.class).hasMessageContaining("not a readable zip");
    }

    @Test
    void open_zipWithoutManifest_refused() throws IOException {
        Path zip = zipOf(dir.resolve("empty.zip"), "readme.txt", "hello");
        assertThatThrownBy(() -> ModelPackage.open(zip))
                .isInstanceOf(PackageInvalidException.class).hasMessageContaining("has no manifest.json");
    }

    @Test
    void zipLimits_defaults_are512MiBAnd100Entries() {
        assertThat(ZipLimits.defaults().maxUnpackedBytes()).isEqualTo(512L * 1024 * 1024);
        assertThat(ZipLimits.defaults().maxEntries()).isEqualTo(100);
    }

    @Test
    void open_zipThatFailsValidation_leavesNoTemporaryFolderBehind() throws IOException {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path zip = zipOf(dir.resolve("bad.zip"), "manifest.json", "{not json");
        assertThatThrownBy(() -> ModelPackage.open(zip, ZipLimits.defaults(), work))
                .isInstanceOf(ManifestInvalidException.class);
        Path slip = zipOf(dir.resolve("slip2.zip"), "model.onnx", "x", "../../evil", "x");
        assertThatThrownBy(() -> ModelPackage.open(slip, ZipLimits.defaults(), work))
                .isInstanceOf(PackageInvalidException.class);
        try (var left = Files.list(work)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void open_zipWithWorkDir_unpacksThereAndCleansUpOnClose() throws IOException {
        Path work = dir.resolve("work");
        try (ModelPackage pkg = ModelPackage.open(TestPackages.fruitQualityZip(dir, "2"), ZipLimits.defaults(), work)) {
            assertThat(pkg.directory()).startsWith(work);
        }
        try (var left = Files.list(work)) {
            assertThat(left).isEmpty();
        }
    }

    private static String manifestFor(byte[] model) {
        return """
                {"name": "m", "version": "1", "sha256": "%s", "labels": ["a", "b"], "input": {"width": 4, "height": 4}}
                """.formatted(ModelPackage.sha256(model));
    }

    private static Path zipOf(Path zip, String... nameThenContent) throws IOException {
        try (OutputStream file = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(file)) {
            for (int i = 0; i < nameThenContent.length; i += 2) {
                out.putNextEntry(new ZipEntry(nameThenContent[i]));
                out.write(nameThenContent[i + 1].getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return zip;
    }

    /** Rewrites the uncompressed size in every central directory header and data descriptor. */
    private static void lieAboutUncompressedSizes(byte[] zip, int claimed) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 4 <= zip.length; i++) {
            int signature = b.getInt(i);
            if (signature == 0x02014b50 && i + 28 <= zip.length) { // central directory file header
                b.putInt(i + 24, claimed);
            } else if (signature == 0x08074b50 && i + 16 <= zip.length) { // data descriptor
                b.putInt(i + 12, claimed);
            }
        }
    }
}
