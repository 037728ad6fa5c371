package dev.verge.cloud.dashboard;

import static dev.verge.cloud.testing.TelemetryBatches.batch;
import static dev.verge.cloud.testing.TelemetryBatches.newBatchId;
import static dev.verge.cloud.testing.TelemetryBatches.records;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.analytics.AnalyticsConfig;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.testing.AnalyticsHarness;
import dev.verge.cloud.testing.TestClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DashboardRoutesTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-12-02T10:30:00Z"));
    private final AnalyticsHarness cloud = new AnalyticsHarness(clock, AnalyticsConfig.defaults());

    @BeforeEach
    void seed() {
        cloud.postBatch("cam-1", batch(newBatchId(), "cam-1", 3,
                records(1, 500, Instant.parse("2026-12-02T07:00:00Z"), 3, "fruit-quality", "1", 0.7, 25)));
        cloud.metadata.create("devices", "cam-1", "{\"deviceId\":\"cam-1\",\"group\":\"line-1\","
                + "\"status\":{\"model\":\"fruit-quality\",\"version\":\"1\"}}");
        cloud.metadata.create("deployments", "dep-7", "{\"id\":\"dep-7\",\"model\":\"fruit-quality\",\"version\":\"2\","
                + "\"group\":\"line-1\",\"strategy\":\"canary\",\"state\":\"canary\",\"createdAt\":\"2026-12-02T09:00:00Z\"}");
    }

    private ApiResponse get(String pathAndQuery, Map<String, List<String>> headers) {
        return cloud.request("GET", pathAndQuery, headers, null);
    }

    @Test
    void dashboard_withoutKey_isALoginFormAnswered401() {
        ApiResponse response = get("/dashboard", Map.of());
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(AnalyticsHarness.text(response)).contains("<form").doesNotContain("total-requests");
        assertThat(AnalyticsHarness.text(get("/dashboard?key=wrong", Map.of()))).contains("login-error");
    }

    @Test
    void dashboard_keyInQuery_redirectsWithoutItAndSetsAnHttpOnlyCookie() {
        ApiResponse response = get("/dashboard?hours=6&key=" + AnalyticsHarness.API_KEY, Map.of());

        assertThat(response.status()).isEqualTo(303);
        assertThat(response.header("Location")).hasValue("dashboard?hours=6");
        assertThat(response.header("Set-Cookie").orElseThrow())
                .startsWith("verge_key=" + AnalyticsHarness.API_KEY + ";").contains("HttpOnly").contains("SameSite=Strict");
        ApiResponse page = get("/dashboard?hours=6", Map.of("Cookie", List.of("other=1; verge_key=" + AnalyticsHarness.API_KEY)));
        assertThat(page.status()).isEqualTo(200);
    }

    @Test
    void dashboard_showsTheNumbersTheApiReturns() {
        JsonNode totals = cloud.analytics("").get("totals");
        String html = AnalyticsHarness.text(get("/dashboard", Map.of("Cookie", List.of("verge_key=" + AnalyticsHarness.API_KEY))));

        assertThat(html).contains("id=\"total-requests\">" + totals.get("requests").asLong() + "<");
        assertThat(html).contains("id=\"total-errors\">" + totals.get("errors").asLong() + "<");
        assertThat(html).contains("id=\"latency-p95\">" + Html.ms(totals.get("latencyMs").get("p95").asDouble()) + " ms<");
        assertThat(html).contains("id=\"label-ripe\">" + totals.get("labels").get("ripe").asLong() + "<");
        assertThat(html).contains("id=\"device-version-cam-1\">fruit-quality 1<");
        assertThat(html).contains("dep-7").contains("canary");
        assertThat(html).contains("<svg id=\"chart-requests\"").contains("<svg id=\"chart-latency\"").contains("<polyline");
    }

    @Test
    void dashboard_loadsNothingFromElsewhere() {
        String html = AnalyticsHarness.text(get("/dashboard", Map.of("Cookie", List.of("verge_key=" + AnalyticsHarness.API_KEY))));
        assertThat(html).doesNotContain("<script").doesNotContain("src=").doesNotContain("<link")
                .doesNotContain("https://");
        assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://");
    }

    @Test
    void dashboard_escapesWhatDevicesSent() {
        cloud.metadata.create("devices", "evil", "{\"deviceId\":\"<script>alert(1)</script>\"}");
        String html = AnalyticsHarness.text(get("/dashboard", Map.of("Cookie", List.of("verge_key=" + AnalyticsHarness.API_KEY))));
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;");
    }
}
