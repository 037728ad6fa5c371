package dev.verge.cloud.dashboard;

import static dev.verge.cloud.testing.TelemetryBatches.batch;
import static dev.verge.cloud.testing.TelemetryBatches.newBatchId;
import static dev.verge.cloud.testing.TelemetryBatches.records;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.analytics.AnalyticsConfig;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.devices.StatusReport;
import dev.verge.cloud.registry.PackageSource;
import dev.verge.cloud.rollout.Deployment;
import dev.verge.cloud.rollout.DeploymentRequest;
import dev.verge.cloud.testing.RegistryPackages;
import dev.verge.cloud.testing.AnalyticsHarness;
import dev.verge.cloud.testing.TestClock;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DashboardRoutesTest {
    private final TestClock clock = new TestClock(Instant.parse("2026-12-02T10:30:00Z"));
    private final AnalyticsHarness cloud = new AnalyticsHarness(clock, AnalyticsConfig.defaults());

    /** A canary of fruit-quality 2 to line-1, made through the real deployments use case. */
    private Deployment canary;

    @BeforeEach
    void seed() throws Exception {
        cloud.postBatch("cam-1", batch(newBatchId(), "cam-1", 3,
                records(1, 500, Instant.parse("2026-12-02T07:00:00Z"), 3, "fruit-quality", "1", 0.7, 25)));
        for (String version : List.of("1", "2")) {
            cloud.models.register(new ByteArrayInputStream(RegistryPackages.valid("fruit-quality", version)), "fruit-quality",
                    PackageSource.api("test"));
        }
        cloud.devices.recordStatus("cam-2", status("fruit-quality", "1"), List.of());
        canary = cloud.deployments.create(new DeploymentRequest("line-1", "fruit-quality", "2",
                CloudJson.mapper().readTree("{\"type\": \"canary\", \"percent\": 50, \"bakeMinutes\": 30}"), null, null, "alice"),
                "test").deployment();
    }

    private StatusReport status(String model, String version) {
        return new StatusReport(model, version, "1.29.0", "0.1.0", "serving", clock.instant(), 10, 0, null, null);
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

    /** Signs in with the key once, as a browser does, and answers the session cookie it got ("name=value"). */
    private String session() {
        return get("/dashboard?key=" + AnalyticsHarness.API_KEY, Map.of()).header("Set-Cookie").orElseThrow().split(";")[0];
    }

    @Test
    void dashboard_keyInQuery_redirectsWithoutItAndSetsAnOpaqueSessionCookie() {
        ApiResponse response = get("/dashboard?hours=6&key=" + AnalyticsHarness.API_KEY, Map.of());

        assertThat(response.status()).isEqualTo(303);
        assertThat(response.header("Location")).hasValue("dashboard?hours=6");
        String cookie = response.header("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("verge_session=").contains("; Path=/").contains("HttpOnly").contains("SameSite=Strict")
                .doesNotContain(AnalyticsHarness.API_KEY).doesNotContain("Secure");
        assertThat(cookie.split(";")[0].substring("verge_session=".length())).hasSizeGreaterThanOrEqualTo(40);
        ApiResponse page = get("/dashboard?hours=6", Map.of("Cookie", List.of("other=1; " + cookie.split(";")[0])));
        assertThat(page.status()).isEqualTo(200);
        assertThat(get("/dashboard", Map.of()).header("Set-Cookie")).isEmpty();
    }

    @Test
    void dashboard_underHttps_usesAHostPrefixedSecureCookie() {
        ApiResponse response = get("/dashboard?key=" + AnalyticsHarness.API_KEY, Map.of("X-Forwarded-Proto", List.of("https")));

        String cookie = response.header("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("__Host-verge_session=").contains("; Secure").contains("; Path=/").contains("HttpOnly")
                .contains("SameSite=Strict").doesNotContain("Domain");
        assertThat(get("/dashboard", Map.of("X-Forwarded-Proto", List.of("https"), "Cookie", List.of(cookie.split(";")[0])))
                .status()).isEqualTo(200);
    }

    @Test
    void dashboard_theKeyOrAForgedSessionAsCookie_isNotLetIn() {
        assertThat(get("/dashboard", Map.of("Cookie", List.of("verge_key=" + AnalyticsHarness.API_KEY))).status()).isEqualTo(401);
        assertThat(get("/dashboard", Map.of("Cookie", List.of("verge_session=" + AnalyticsHarness.API_KEY))).status()).isEqualTo(401);
        String real = session();
        String forged = real.substring(0, real.length() - 2) + (real.endsWith("AA") ? "BB" : "AA");
        assertThat(get("/dashboard", Map.of("Cookie", List.of(forged))).status()).isEqualTo(401);
        assertThat(get("/dashboard", Map.of("Cookie", List.of("verge_session=%ff"))).status()).isEqualTo(401);
    }

    @Test
    void dashboard_loginFormPost_opensASession() {
        ApiResponse response = cloud.request("POST", "/dashboard", Map.of("Content-Type",
                List.of("application/x-www-form-urlencoded")), ("key=" + AnalyticsHarness.API_KEY).getBytes(java.nio.charset.StandardCharsets.UTF_8));

        assertThat(response.status()).isEqualTo(303);
        assertThat(response.header("Set-Cookie").orElseThrow()).startsWith("verge_session=");
    }

    @Test
    void dashboard_signOut_endsTheSessionForEveryCopyOfTheCookie() {
        String cookie = session();
        assertThat(get("/dashboard", Map.of("Cookie", List.of(cookie))).status()).isEqualTo(200);
        assertThat(AnalyticsHarness.text(get("/dashboard", Map.of("Cookie", List.of(cookie))))).contains("action=\"dashboard/logout\"");

        ApiResponse out = cloud.request("POST", "/dashboard/logout", Map.of("Cookie", List.of(cookie)), new byte[0]);

        assertThat(out.status()).isEqualTo(303);
        assertThat(out.header("Set-Cookie").orElseThrow()).startsWith("verge_session=;").contains("Max-Age=0");
        // a copy of the cookie kept elsewhere (another browser, a stolen one) no longer opens the page
        assertThat(get("/dashboard", Map.of("Cookie", List.of(cookie))).status()).isEqualTo(401);
        assertThat(get("/dashboard", Map.of("Cookie", List.of(session()))).status()).isEqualTo(200);
    }

    @Test
    void dashboard_page_hasAPolicyAllowingOnlyItsOwnStylesheet() {
        ApiResponse page = get("/dashboard", Map.of("Cookie", List.of(session())));

        assertThat(page.header("Content-Security-Policy").orElseThrow()).startsWith("default-src 'none'; style-src 'sha256-")
                .contains("frame-ancestors 'none'").doesNotContain("unsafe-inline").doesNotContain("script-src");
        assertThat(page.header("X-Frame-Options")).hasValue("DENY");
        assertThat(page.header("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(page.header("Referrer-Policy")).hasValue("no-referrer");
        assertThat(AnalyticsHarness.text(page)).doesNotContain(" style=\"").doesNotContain("<script");
    }

    @Test
    void dashboard_showsTheNumbersTheApiReturns() {
        JsonNode totals = cloud.analytics("").get("totals");
        String html = AnalyticsHarness.text(get("/dashboard", Map.of("Cookie", List.of(session()))));

        assertThat(html).contains("id=\"total-requests\">" + totals.get("requests").asLong() + "<");
        assertThat(html).contains("id=\"total-errors\">" + totals.get("errors").asLong() + "<");
        assertThat(html).contains("id=\"latency-p95\">" + Html.ms(totals.get("latencyMs").get("p95").asDouble()) + " ms<");
        assertThat(html).contains("id=\"label-ripe\">" + totals.get("labels").get("ripe").asLong() + "<");
        assertThat(html).contains("id=\"device-version-cam-1\">fruit-quality 1<");
        assertThat(html).contains("<svg id=\"chart-requests\"");
    }

    @Test
    void dashboard_devicesAndRollouts_showWhatTheRegistryAndDeploymentsHold() {
        String html = AnalyticsHarness.text(get("/dashboard", Map.of("Cookie", List.of(session()))));

        // cam-2 sent no telemetry: its version comes from its status report alone
        assertThat(html).contains("<tr><td>cam-2</td><td>line-1</td><td>fruit-quality 1</td>");
        assertThat(html).contains("<tr><td>cam-3</td><td>line-2</td><td>\u2013</td>");
        assertThat(html).contains("<tr><td>" + canary.id() + "</td><td>fruit-quality</td><td>2</td><td>line-1</td>"
                + "<td>canary 50%</td><td>rolling-out</td>");
        assertThat(html).contains("<svg id=\"chart-requests\"").contains("<svg id=\"chart-latency\"").contains("<polyline");
    }

    @Test
    void dashboard_rejectedRecords_shownInTheTotalsAndOnTheDevicesRow() {
        var records = new java.util.ArrayList<>(records(2, 3, Instant.parse("2026-12-02T10:00:00Z"), 1, "fruit-quality", "1", 0.7, 0));
        records.get(1).put("status", "abc");
        cloud.postBatch("cam-3", batch(newBatchId(), "cam-3", 0, records));
        String html = AnalyticsHarness.text(get("/dashboard", Map.of("Cookie", List.of(session()))));

        assertThat(html).contains("id=\"total-rejected\">1<").contains("id=\"device-rejected-cam-3\">1<");
    }

    @Test
    void dashboard_agentReportingAFullDisk_showsItOnTheDevicesRow() {
        cloud.devices.recordStatus("cam-3", new StatusReport("fruit-quality", "1", "1.29.0", "0.1.0", "serving", clock.instant(),
                10, 0, null, null, new StatusReport.Telemetry("disk_full", 420, 17)), List.of());
        String html = AnalyticsHarness.text(get("/dashboard", Map.of("Cookie", List.of(session()))));

        assertThat(html).contains("id=\"device-journal-cam-3\">disk_full<").contains("id=\"device-journal-cam-2\">\u2013<");
    }

    @Test
    void dashboard_agentWithTwoModelsAndAShadow_showsBothModelsAndTheShadowsAgreement() {
        var models = List.of(new dev.verge.wire.status.ModelStatus("fruit-quality", "1", "serving", true, 10, 0, null),
                new dev.verge.wire.status.ModelStatus("ocr-cls", "4", "serving", false, 5, 0, null));
        var shadow = new dev.verge.wire.status.ShadowReport("fruit-quality", "1", "2", 10, clock.instant().toString(), 40, 38, 0.95,
                -0.01, 0.02, new dev.verge.wire.status.Latency(8, 12.5, 20), 0, 0);
        cloud.devices.recordStatus("cam-3", new StatusReport("fruit-quality", "1", "1.29.0", "0.1.0", "serving", clock.instant(),
                15, 0, null, null, null, models, List.of(shadow)), List.of());

        String html = AnalyticsHarness.text(get("/dashboard", Map.of("Cookie", List.of(session()))));

        assertThat(html).contains("fruit-quality 1, ocr-cls 4").contains("id=\"shadow-agreement-cam-3-fruit-quality-2\">95.0%<");
        assertThat(cloud.devices.view("cam-3").models()).containsExactly("fruit-quality/1", "ocr-cls/4");
    }

    @Test
    void latencyChart_oneHourOfData_drawsAPoint() {
        String svg = SvgCharts.lines("chart-latency", "latency", List.of("09:00", "10:00", "11:00"),
                Map.of("p50", new double[] {Double.NaN, 12.5, Double.NaN}));

        assertThat(svg).contains("<circle").doesNotContain("<polyline");
        assertThat(SvgCharts.lines("c", "latency", List.of("10:00"), Map.of("p50", new double[] {3}))).contains("<circle");
    }

    @Test
    void dashboard_loadsNothingFromElsewhere() {
        String html = AnalyticsHarness.text(get("/dashboard", Map.of("Cookie", List.of(session()))));
        assertThat(html).doesNotContain("<script").doesNotContain("src=").doesNotContain("<link")
                .doesNotContain("https://");
        assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://");
    }

    @Test
    void dashboard_aDeploymentOvertakenByANewerOne_showsAsSuperseded() throws Exception {
        clock.advance(Duration.ofMinutes(5));
        Deployment newer = cloud.deployments.create(new DeploymentRequest("line-1", "fruit-quality", "1",
                CloudJson.mapper().readTree("\"all-at-once\""), null, null, "bob"), "test").deployment();
        String html = AnalyticsHarness.text(get("/dashboard", Map.of("Cookie", List.of(session()))));

        assertThat(html).contains("<td>" + canary.id() + "</td><td>fruit-quality</td><td>2</td><td>line-1</td>"
                + "<td>canary 50%</td><td>superseded</td>");
        assertThat(html).contains("<td>" + newer.id() + "</td><td>fruit-quality</td><td>1</td><td>line-1</td>"
                + "<td>all-at-once</td><td>rolling-out</td>");
        assertThat(html.indexOf(newer.id())).as("newest first").isLessThan(html.indexOf(canary.id()));
    }

    @Test
    void dashboard_escapesWhatDevicesSent() {
        cloud.devices.recordStatus("cam-3", status("<script>alert(1)</script>", "1"), List.of());
        String html = AnalyticsHarness.text(get("/dashboard", Map.of("Cookie", List.of(session()))));
        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;");
    }
}
