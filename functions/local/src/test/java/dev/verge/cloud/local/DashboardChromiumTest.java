package dev.verge.cloud.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.json.CloudJson;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.verge.cloud.registry.PackageSource;
import dev.verge.cloud.rollout.DeploymentRequest;
import dev.verge.cloud.rollout.HealthRules;
import dev.verge.cloud.testing.RegistryPackages;
import dev.verge.cloud.testing.TelemetryBatches;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard as a person sees it: a local cloud seeded over HTTP with two devices registered
 * through the API, each sent a deployed version, and telemetry from each (one batch gzipped), opened in headless Chromium (Debian package {@code chromium}); the page must
 * show the numbers {@code GET /api/analytics} returns. Keeps {@code target/dashboard.png}. Skipped
 * only when no Chromium is installed (CI installs it).
 */
@Timeout(180)
class DashboardChromiumTest {
    private static final String KEY = "dashboard-test-key-5d2c9e";
    private static Path data;
    private static LocalCloud cloud;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("verge-dashboard-");
        cloud = LocalCloud.start(LocalCloud.Settings.of(data, CloudConfig.withApiKeys(KEY)));
        String key1 = createDevice("cam-1", "line-1");
        String key2 = createDevice("cam-2", "line-2");
        // a device reports only versions it was sent, timed after their deployment (less the clock skew allowed)
        deploy("1", "line-1");
        deploy("2", "line-2");
        desired("cam-1", key1);
        desired("cam-2", key2);
        Instant start = Instant.now().minus(Duration.ofMinutes(4));
        send("cam-1", key1, TelemetryBatches.json(TelemetryBatches.batch(TelemetryBatches.newBatchId(), "cam-1", 2,
                TelemetryBatches.records(1, 1_200, start, 0, "fruit-quality", "1", 0.7, 40))), false);
        send("cam-2", key2, TelemetryBatches.gzip(TelemetryBatches.json(TelemetryBatches.batch(TelemetryBatches.newBatchId(),
                "cam-2", 0, TelemetryBatches.records(2, 800, start, 0, "fruit-quality", "2", 0.4, 20)))), true);
    }

    @AfterAll
    static void stop() throws IOException {
        if (cloud != null) {
            cloud.close();
        }
        try (var paths = Files.walk(data)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static void deploy(String version, String group) {
        cloud.services().registry().register(new java.io.ByteArrayInputStream(RegistryPackages.valid("fruit-quality", version)),
                "fruit-quality", PackageSource.api("test"));
        cloud.services().deployments().create(new DeploymentRequest(group, "fruit-quality", version,
                TextNode.valueOf("all-at-once"), HealthRules.none(), null, null), "test");
    }

    private static void desired(String device, String key) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(cloud.baseUri().resolve("/api/devices/" + device + "/desired"))
                .timeout(Duration.ofSeconds(30)).header("X-Device-Id", device).header("X-Device-Key", key).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /** {@code POST /api/devices} with the API key; answers the device's primary key. */
    private static String createDevice(String id, String group) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(cloud.baseUri().resolve("/api/devices"))
                .timeout(Duration.ofSeconds(30)).header("x-api-key", KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"id\": \"" + id + "\", \"group\": \"" + group + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return CloudJson.mapper().readTree(response.body()).get("primaryKey").asText();
    }

    private static void send(String device, String key, byte[] body, boolean gzip) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(cloud.baseUri().resolve("/api/telemetry"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("X-Device-Id", device).header("X-Device-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (gzip) {
            request.header("Content-Encoding", "gzip");
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static JsonNode analytics() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(cloud.baseUri().resolve("/api/analytics"))
                .timeout(Duration.ofSeconds(30)).header("x-api-key", KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return CloudJson.mapper().readTree(response.body());
    }

    @Test
    void dashboard_inHeadlessChromium_showsTheNumbersTheApiReturns() throws Exception {
        Optional<String> chromium = findChromium();
        Assumptions.assumeTrue(chromium.isPresent(), "chromium is not installed (apt-get install chromium)");
        JsonNode totals = analytics().get("totals");
        assertThat(totals.get("requests").asLong()).isEqualTo(2_000);
        String url = cloud.baseUri() + "/dashboard?key=" + KEY;
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);

        String dom = run(chromium.get(), target, "--dump-dom", url);
        Path screenshot = target.resolve("dashboard.png");
        Files.deleteIfExists(screenshot);
        run(chromium.get(), target, "--screenshot=" + screenshot, "--window-size=1280,900", url);

        assertThat(shown(dom, "total-requests")).isEqualTo(Long.toString(totals.get("requests").asLong()));
        assertThat(shown(dom, "total-errors")).isEqualTo(Long.toString(totals.get("errors").asLong()));
        assertThat(shown(dom, "error-rate")).isEqualTo(String.format(Locale.ROOT, "%.2f%%", totals.get("errorRate").asDouble() * 100));
        for (String p : List.of("p50", "p95", "p99")) {
            assertThat(shown(dom, "latency-" + p))
                    .isEqualTo(String.format(Locale.ROOT, "%.1f ms", totals.get("latencyMs").get(p).asDouble()));
        }
        assertThat(shown(dom, "label-ripe")).isEqualTo(Long.toString(totals.get("labels").get("ripe").asLong()));
        assertThat(shown(dom, "label-unripe")).isEqualTo(Long.toString(totals.get("labels").get("unripe").asLong()));
        assertThat(shown(dom, "device-version-cam-1")).isEqualTo("fruit-quality 1");
        assertThat(shown(dom, "device-version-cam-2")).isEqualTo("fruit-quality 2");
        assertThat(shown(dom, "drift-status-fruit-quality-1")).isEqualTo("baseline-pending");
        assertThat(dom).contains("<svg id=\"chart-requests\"").contains("<svg id=\"chart-latency\"");
        assertThat(screenshot).exists();
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    /** The text of the element with {@code id} in the DOM Chromium dumped. */
    private static String shown(String dom, String id) {
        Matcher m = Pattern.compile("id=\"" + Pattern.quote(id) + "\"[^>]*>([^<]*)<").matcher(dom);
        assertThat(m.find()).as("element #" + id + " in the page").isTrue();
        return m.group(1).strip();
    }

    private static String run(String chromium, Path target, String... args) throws Exception {
        Path profile = Files.createTempDirectory(target, "chromium-profile-");
        List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        Path out = target.resolve("chromium-out.txt");
        Path err = target.resolve("chromium-err.txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                throw new AssertionError("chromium did not finish within 90 s: " + Files.readString(err));
            }
            assertThat(process.exitValue()).as(Files.readString(err)).isZero();
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            process.destroyForcibly();
            try (var paths = Files.walk(profile)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Optional<String> findChromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                File f = new File(dir, name);
                if (f.canExecute()) {
                    return Optional.of(f.getAbsolutePath());
                }
            }
        }
        return Optional.empty();
    }
}
