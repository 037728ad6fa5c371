package dev.verge.cloud.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.analytics.AnalyticsConfig;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.testing.AnalyticsHarness;
import dev.verge.cloud.testing.TestClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import dev.verge.cloud.rights.RightsConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SamplesTest {
    private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0};
    private final TestClock clock = new TestClock(Instant.parse("2026-12-02T10:30:00Z"));
    private final AnalyticsHarness cloud = new AnalyticsHarness(clock, AnalyticsConfig.defaults(),
            new dev.verge.cloud.testing.InMemoryMetadataStore(), RightsConfig.defaults().withSampleQuota(3, 1000));

    @BeforeEach
    void sendTheVersion() {
        // what a desired-state answer records: cam-3 (line-2) was told to run fruit-quality 2, deployed an hour ago
        cloud.sent.record("cam-3", "fruit-quality", "2", "dep-1", () -> clock.instant().minus(Duration.ofHours(1)), clock.instant());
    }

    private ApiResponse upload(String sampleId, String type, byte[] body) {
        return cloud.post("/api/samples?model=fruit-quality&version=2&label=ripe&probability=0.41&sampleId=" + sampleId,
                "cam-3", body, Map.of("Content-Type", type));
    }

    @Test
    void upload_storesImageAndSidecarUnderTheContractsKey() throws IOException {
        String id = UUID.randomUUID().toString();
        ApiResponse response = upload(id, "image/jpeg", JPEG);

        assertThat(response.status()).isEqualTo(201);
        String key = "samples/fruit-quality/2/2026-12-02/cam-3/" + id + ".jpg";
        assertThat(AnalyticsHarness.json(response).get("key").asText()).isEqualTo(key);
        assertThat(cloud.blobs.get(key).orElseThrow().readAllBytes()).isEqualTo(JPEG);
        JsonNode sidecar = dev.verge.cloud.json.CloudJson.mapper().readTree(
                cloud.blobs.get("samples/fruit-quality/2/2026-12-02/cam-3/" + id + ".json").orElseThrow());
        assertThat(sidecar.get("deviceId").asText()).isEqualTo("cam-3");
        assertThat(sidecar.get("group").asText()).isEqualTo("line-2");
        assertThat(sidecar.get("label").asText()).isEqualTo("ripe");
        assertThat(sidecar.get("probability").asDouble()).isEqualTo(0.41);
        assertThat(sidecar.get("size").asLong()).isEqualTo(JPEG.length);
    }

    @Test
    void upload_sameSampleIdAgainOnAnotherDay_is200WithTheFirstKey() {
        String id = UUID.randomUUID().toString();
        String first = AnalyticsHarness.json(upload(id, "image/jpeg", JPEG)).get("key").asText();
        clock.advance(Duration.ofDays(1));
        ApiResponse again = upload(id, "image/jpeg", JPEG);

        assertThat(again.status()).isEqualTo(200);
        assertThat(AnalyticsHarness.json(again).get("key").asText()).isEqualTo(first);
        assertThat(cloud.blobs.keys()).hasSize(2);
    }

    @Test
    void upload_wrongContentType_is415_andBytesThatAreNoJpeg_are400() {
        assertThat(upload(UUID.randomUUID().toString(), "text/plain", JPEG).status()).isEqualTo(415);
        ApiResponse notJpeg = upload(UUID.randomUUID().toString(), "image/jpeg", "hello".getBytes());
        assertThat(notJpeg.status()).isEqualTo(400);
        assertThat(AnalyticsHarness.json(notJpeg).get("error").asText()).isEqualTo("sample_invalid");
        assertThat(cloud.blobs.keys()).isEmpty();
    }

    @Test
    void upload_badQuery_is400NamingTheParameter() {
        ApiResponse response = cloud.post("/api/samples?model=fruit-quality&version=2&probability=2&sampleId=" + UUID.randomUUID(),
                "cam-3", JPEG, Map.of("Content-Type", "image/jpeg"));
        assertThat(response.status()).isEqualTo(400);
        assertThat(AnalyticsHarness.json(response).get("message").asText()).contains("probability");
        ApiResponse noId = cloud.post("/api/samples?model=fruit-quality&version=2", "cam-3", JPEG, Map.of("Content-Type", "image/jpeg"));
        assertThat(AnalyticsHarness.json(noId).get("message").asText()).contains("sampleId");
    }

    @Test
    void upload_withoutDeviceKey_is401() {
        ApiResponse response = cloud.post("/api/samples?model=fruit-quality&version=2&sampleId=" + UUID.randomUUID(), null, JPEG,
                Map.of("Content-Type", "image/jpeg"));
        assertThat(response.status()).isEqualTo(401);
    }

    @Test
    void upload_pastTheDailyCountQuota_is429UntilTheNextUtcDay() {
        for (int i = 0; i < 3; i++) {
            assertThat(upload(UUID.randomUUID().toString(), "image/jpeg", JPEG).status()).isEqualTo(201);
        }
        ApiResponse fourth = upload(UUID.randomUUID().toString(), "image/jpeg", JPEG);
        clock.advance(Duration.ofDays(1));
        ApiResponse tomorrow = upload(UUID.randomUUID().toString(), "image/jpeg", JPEG);

        assertThat(fourth.status()).isEqualTo(429);
        assertThat(AnalyticsHarness.json(fourth).get("error").asText()).isEqualTo("sample_quota_exceeded");
        assertThat(AnalyticsHarness.json(fourth).get("message").asText()).contains("3 samples");
        assertThat(tomorrow.status()).isEqualTo(201);
        assertThat(cloud.blobs.keys()).hasSize(8);
    }

    @Test
    void upload_pastTheDailyByteQuota_is429() {
        byte[] big = java.util.Arrays.copyOf(JPEG, 600);
        assertThat(upload(UUID.randomUUID().toString(), "image/jpeg", big).status()).isEqualTo(201);

        ApiResponse second = upload(UUID.randomUUID().toString(), "image/jpeg", big);

        assertThat(second.status()).isEqualTo(429);
        assertThat(AnalyticsHarness.json(second).get("message").asText()).contains("1000 bytes");
    }

    @Test
    void upload_versionNotSentOrSentLongerAgoThanTheRetention_is403() {
        ApiResponse otherVersion = cloud.post("/api/samples?model=fruit-quality&version=1&sampleId=" + UUID.randomUUID(),
                "cam-3", JPEG, Map.of("Content-Type", "image/jpeg"));
        ApiResponse otherDevice = cloud.post("/api/samples?model=fruit-quality&version=2&sampleId=" + UUID.randomUUID(),
                "cam-1", JPEG, Map.of("Content-Type", "image/jpeg"));
        clock.advance(RightsConfig.defaults().retention().plusHours(1));
        ApiResponse stale = upload(UUID.randomUUID().toString(), "image/jpeg", JPEG);

        assertThat(otherVersion.status()).isEqualTo(403);
        assertThat(AnalyticsHarness.json(otherVersion).get("error").asText()).isEqualTo("device_forbidden");
        assertThat(otherDevice.status()).isEqualTo(403);
        assertThat(stale.status()).isEqualTo(403);
        assertThat(AnalyticsHarness.json(stale).get("message").asText()).contains("days");
        assertThat(cloud.blobs.keys()).isEmpty();
    }

    @Test
    void upload_sameSampleIdFromAnotherDevice_neitherOverwritesNorRevealsTheFirst() throws IOException {
        cloud.sent.record("cam-1", "fruit-quality", "2", "dep-2", () -> clock.instant().minus(Duration.ofHours(1)), clock.instant());
        String id = UUID.randomUUID().toString();
        String mine = AnalyticsHarness.json(upload(id, "image/jpeg", JPEG)).get("key").asText();
        byte[] other = java.util.Arrays.copyOf(JPEG, 40);

        ApiResponse theirs = cloud.post("/api/samples?model=fruit-quality&version=2&sampleId=" + id, "cam-1", other,
                Map.of("Content-Type", "image/jpeg"));

        assertThat(theirs.status()).isEqualTo(201);
        assertThat(AnalyticsHarness.json(theirs).get("key").asText()).isNotEqualTo(mine).contains("/cam-1/");
        assertThat(cloud.blobs.get(mine).orElseThrow().readAllBytes()).isEqualTo(JPEG);
    }
}
