package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.demo.DemoModels;
import dev.verge.edge.telemetry.FakeCloud;
import dev.verge.edge.telemetry.TelemetrySettings;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent with --cloud: every answered image reaches the cloud as a telemetry record, and /metrics shows it. */
class TelemetryAgentTest {

    @TempDir
    Path dir;

    @Test
    void agentWithCloud_answeredImages_deliveredAsRecordsAndCountedInMetrics() throws Exception {
        try (FakeCloud cloud = new FakeCloud()) {
            TelemetrySettings telemetry = TelemetrySettings.defaults().withEnabled(true)
                    .withCloud(cloud.uri(), FakeCloud.DEVICE_ID, FakeCloud.DEVICE_KEY)
                    .withJournal(dir.resolve("state/telemetry.db"), 16L * 1024 * 1024, Duration.ofDays(7))
                    .withBatches(100, Duration.ofMillis(200));
            AgentSettings settings = AgentSettings.defaults(DemoModels.fruitQuality(dir, "3"))
                    .withHost("127.0.0.1").withPort(0).withTelemetry(telemetry);
            try (EdgeAgent agent = EdgeAgent.start(settings)) {
                AgentClient client = new AgentClient(agent.port());
                for (int i = 0; i < 3; i++) {
                    assertThat(client.post("/image", "image/jpeg", TestImages.appleJpeg()).status()).isEqualTo(200);
                }
                assertThat(client.post("/image", "application/octet-stream", "hello".getBytes()).status()).isEqualTo(400);

                await("four records delivered").atMost(Duration.ofSeconds(30)).until(() -> cloud.acceptedRecords() >= 4);
                assertThat(cloud.acceptedRecords()).isEqualTo(4);
                assertThat(cloud.records.stream().filter(r -> r.get("status").asInt() == 200))
                        .hasSize(3)
                        .allSatisfy((JsonNode r) -> {
                            assertThat(r.get("model").asText()).isEqualTo(DemoModels.NAME);
                            assertThat(r.get("version").asText()).isEqualTo("3");
                            assertThat(r.get("label").asText()).isNotBlank();
                            assertThat(r.get("inferMs").asDouble()).isPositive();
                        });
                await("the journal emptied").atMost(Duration.ofSeconds(30))
                        .until(() -> agent.telemetry().orElseThrow().journal().depth() == 0);
                assertThat(client.get("/metrics").text())
                        .contains("verge_telemetry_records_delivered_total 4.0")
                        .contains("verge_telemetry_journal_records 0.0")
                        .contains("verge_telemetry_records_dropped_total{reason=\"cap\"} 0.0")
                        .contains("verge_http_requests_total{route=\"image\",status=\"200\"} 3.0");
            }
        }
    }

    @Test
    void agentWithoutCloud_telemetryOff_noJournal() throws Exception {
        AgentSettings settings = AgentSettings.defaults(DemoModels.fruitQuality(dir, "3")).withHost("127.0.0.1").withPort(0);
        try (EdgeAgent agent = EdgeAgent.start(settings)) {
            assertThat(agent.telemetry()).isEmpty();
            assertThat(new AgentClient(agent.port()).get("/metrics").text()).doesNotContain("verge_telemetry");
        }
    }
}
