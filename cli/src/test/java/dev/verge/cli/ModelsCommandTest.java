package dev.verge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.local.LocalCloud;
import dev.verge.demo.DemoModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ModelsCommandTest {
    private static final String KEY = "test-key-0123456789";

    @TempDir Path tmp;
    private LocalCloud cloud;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void startCloud() {
        cloud = LocalCloud.start(LocalCloud.Settings.of(tmp.resolve("data"), CloudConfig.withApiKeys(KEY))
                .withHost("127.0.0.1").withPort(0));
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stopCloud() {
        System.setOut(savedOut);
        System.setErr(savedErr);
        cloud.close();
    }

    private int verge(String... args) {
        out.reset();
        err.reset();
        return new CommandLine(new VergeCli()).execute(args);
    }

    private String cloudUrl() {
        return "http://127.0.0.1:" + cloud.port();
    }

    @Test
    void register_packageFolder_printsRecordAndExitsZero() {
        Path pkg = DemoModels.fruitQuality(tmp, "1");

        int code = verge("models", "register", pkg.toString(), "--cloud", cloudUrl(), "--api-key", KEY);

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("fruit-quality").contains("\"version\"");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("100%");
    }

    @Test
    void register_sameFolderTwice_isIdempotentAndExitsZero() {
        Path pkg = DemoModels.fruitQuality(tmp, "1");

        assertThat(verge("models", "register", pkg.toString(), "--cloud", cloudUrl(), "--api-key", KEY)).isZero();
        assertThat(verge("models", "register", pkg.toString(), "--cloud", cloudUrl(), "--api-key", KEY)).isZero();
    }

    @Test
    void register_thenListAndPromote_showsProductionStage() {
        verge("models", "register", DemoModels.zip(DemoModels.fruitQuality(tmp, "1"), tmp.resolve("p.zip")).toString(),
                "--cloud", cloudUrl(), "--api-key", KEY);

        assertThat(verge("models", "promote", "fruit-quality", "1", "production", "--by", "alice",
                "--cloud", cloudUrl(), "--api-key", KEY)).isZero();
        assertThat(verge("models", "list", "fruit-quality", "--cloud", cloudUrl(), "--api-key", KEY)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("production");
    }

    @Test
    void register_withoutKey_exitsRefusedWithReason() {
        int code = verge("models", "register", DemoModels.fruitQuality(tmp, "1").toString(), "--cloud", cloudUrl());

        assertThat(code).isEqualTo(ExitCodes.REFUSED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("401");
    }

    @Test
    void register_tamperedModel_exitsRefusedWithEveryReason() throws Exception {
        Path pkg = DemoModels.fruitQuality(tmp, "2");
        Files.write(pkg.resolve("model.onnx"), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);

        int code = verge("models", "register", pkg.toString(), "--cloud", cloudUrl(), "--api-key", KEY);

        assertThat(code).isEqualTo(ExitCodes.REFUSED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("sha256");
    }

    @Test
    void list_cloudDown_exitsUnavailable() {
        int code = verge("models", "list", "--cloud", "http://127.0.0.1:1", "--api-key", KEY);

        assertThat(code).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot reach the cloud");
    }

    @Test
    void register_missingPackage_exitsUsage() {
        assertThat(verge("models", "register", tmp.resolve("nope").toString(), "--cloud", cloudUrl())).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void register_customVisionExportWithNameAndVersion_registeredAndServedByThePredictRoute() throws Exception {
        Path export = dev.verge.demo.CustomVisionExports.fruitDetector(tmp.resolve("export.zip"), true);

        int code = verge("models", "register", export.toString(), "--name", "fruit", "--version", "7",
                "--cloud", cloudUrl(), "--api-key", KEY);

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"name\" : \"fruit\"").contains("\"version\" : \"7\"")
                .contains("boxes-scores-classes");
        java.net.http.HttpResponse<String> answer = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(cloudUrl() + "/api/models/fruit/versions/7/predict"))
                        .header("x-api-key", KEY).header("Content-Type", "application/octet-stream")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(grayPng())).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.body());
        assertThat(json.get("project").asText()).isEqualTo("fruit");
        assertThat(json.get("predictions")).hasSize(2);
        assertThat(json.get("predictions").get(0).get("tagName").asText()).isEqualTo("pear");
        assertThat(json.get("predictions").get(0).get("tagId").isInt()).isTrue();
        assertThat(json.get("predictions").get(0).get("boundingBox").get("left").asDouble())
                .isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-3));
    }

    @Test
    void register_customVisionExportWithoutVersion_exitsUsageSayingWhatToGive() {
        Path export = dev.verge.demo.CustomVisionExports.fruitYoloRegion(tmp.resolve("export.zip"), "0.45");

        int code = verge("models", "register", export.toString(), "--name", "fruit", "--cloud", cloudUrl(), "--api-key", KEY);

        assertThat(code).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--name and --version");
    }

    private static byte[] grayPng() throws java.io.IOException {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", png);
        return png.toByteArray();
    }
}
