package dev.verge.edge.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DesiredStateTest {
    private static final String SHA = "ab".repeat(32);
    private static final String DEPLOYED = """
            {"deviceId": "cam-1", "group": "line-1",
             "deployment": {"id": "dep-7", "strategy": "canary", "role": "canary"},
             "model": "fruit-quality", "version": "2",
             "package": {"url": "/api/models/fruit-quality/versions/2/package", "sha256": "%s", "size": 18423,
                         "signature": "c2ln"},
             "sampling": {"enabled": false, "belowProbability": 0.5, "randomFraction": 0.01, "maxPerHour": 60},
             "pollSeconds": 30, "somethingNew": {"the": "agent ignores it"}}""".formatted(SHA.toUpperCase());

    private static DesiredState parse(String json) {
        return DesiredState.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parse_contractExample_targetWithLowercaseSha() {
        DesiredState desired = parse(DEPLOYED);

        DesiredState.Target target = desired.target().orElseThrow();
        assertThat(target.ref()).isEqualTo(new PackageRef("fruit-quality", "2", SHA, 18423, "c2ln"));
        assertThat(target.url()).isEqualTo("/api/models/fruit-quality/versions/2/package");
        assertThat(target.deploymentId()).isEqualTo("dep-7");
        assertThat(desired.pollInterval(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void parse_nothingDeployed_noTarget() {
        DesiredState desired = parse("""
                {"deviceId": "cam-1", "group": "line-1", "model": null, "version": null, "package": null}""");

        assertThat(desired.target()).isEmpty();
        assertThat(desired.pollInterval(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "null",
        "<html>502 Bad Gateway</html>",
        "{\"model\": \"fruit-quality\", \"version\": [1, 2",
        "[1, 2, 3]",
        "{\"model\": \"fruit-quality\", \"version\": \"2\", \"package\": null}",
        "{\"model\": \"fruit-quality\", \"version\": \"2\", \"package\": {\"url\": \"/x\", \"sha256\": \"abc\", \"size\": 1, \"signature\": \"s\"}}",
        "{\"model\": \"fruit-quality\", \"version\": \"2\", \"package\": {\"url\": \"/x\", \"sha256\": \"" + "ab" + "\", \"size\": -1, \"signature\": \"s\"}}",
        "{\"model\": \"fruit-quality\", \"version\": \"2\", \"package\": {\"url\": \"\", \"sha256\": \"" + "abababababababababababababababababababababababababababababababab" + "\", \"size\": 1, \"signature\": \"s\"}}",
        "{\"model\": \"fruit-quality\", \"version\": \"2\", \"package\": {\"url\": \"/x\", \"sha256\": \"" + "abababababababababababababababababababababababababababababababab" + "\", \"size\": 1}}",
        "{\"pollSeconds\": \"often\"}",
    })
    void parse_garbageOrHalfAnAnswer_cloudAnswerInvalid(String body) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOfSatisfying(SyncException.class, e -> {
                    assertThat(e.code()).isEqualTo("cloud_answer_invalid");
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).isNotBlank();
                });
    }

    @Test
    void pollInterval_outOfRange_keptBetweenOneSecondAndOneDay() {
        assertThat(parse("{\"pollSeconds\": 0}").pollInterval(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(1));
        assertThat(parse("{\"pollSeconds\": 999999999}").pollInterval(Duration.ofSeconds(5))).isEqualTo(Duration.ofDays(1));
    }
}
