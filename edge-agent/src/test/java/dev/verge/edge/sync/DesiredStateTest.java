package dev.verge.edge.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.wire.desired.DesiredStatement;
import dev.verge.wire.desired.DesiredStatement.Deployment;
import dev.verge.wire.desired.DesiredStatement.ModelEntry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DesiredStateTest {
    private static final String SHA = "ab".repeat(32);
    private static final ModelEntry DEPLOYED = new ModelEntry("fruit-quality", "2", SHA.toUpperCase(), 18423,
            "/api/models/fruit-quality/versions/2/package", "c2ln", new Deployment("dep-7", "canary", "canary"));

    private static DesiredStatement statement(List<ModelEntry> models, Integer pollSeconds) {
        return new DesiredStatement(DesiredStatement.TYPE, DesiredStatement.PROTOCOL, "cam-1", "line-1", 7,
                "2026-12-04T10:00:00Z", "2026-12-05T10:00:00Z", models,
                Map.of("enabled", false, "belowProbability", 0.5), pollSeconds, List.of());
    }

    @Test
    void of_deployedModel_targetWithLowercaseSha() {
        DesiredState desired = DesiredState.of(statement(List.of(DEPLOYED), 30));

        DesiredState.Target target = desired.target().orElseThrow();
        assertThat(target.ref()).isEqualTo(new PackageRef("fruit-quality", "2", SHA, 18423, "c2ln"));
        assertThat(target.url()).isEqualTo("/api/models/fruit-quality/versions/2/package");
        assertThat(target.deploymentId()).isEqualTo("dep-7");
        assertThat(desired.pollInterval(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(30));
        assertThat(desired.sampling().get("belowProbability").asDouble()).isEqualTo(0.5);
    }

    @Test
    void of_noModels_noTarget() {
        DesiredState desired = DesiredState.of(statement(List.of(), null));

        assertThat(desired.target()).isEmpty();
        assertThat(desired.pollInterval(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    }

    static Stream<ModelEntry> halfAModel() {
        Deployment d = DEPLOYED.deployment();
        return Stream.of(
                new ModelEntry(null, "2", SHA, 1, "/x", "s", d),
                new ModelEntry("fruit-quality", " ", SHA, 1, "/x", "s", d),
                new ModelEntry("fruit-quality", "2", "abc", 1, "/x", "s", d),
                new ModelEntry("fruit-quality", "2", SHA, -1, "/x", "s", d),
                new ModelEntry("fruit-quality", "2", SHA, 0, "/x", "s", d),
                new ModelEntry("fruit-quality", "2", SHA, 1, "", "s", d),
                new ModelEntry("fruit-quality", "2", SHA, 1, "/x", null, d));
    }

    @ParameterizedTest
    @MethodSource("halfAModel")
    void of_modelThatMakesNoSense_cloudAnswerInvalid(ModelEntry model) {
        assertThatThrownBy(() -> DesiredState.of(statement(List.of(model), null)))
                .isInstanceOfSatisfying(SyncException.class, e -> {
                    assertThat(e.code()).isEqualTo("cloud_answer_invalid");
                    assertThat(e.getMessage()).isNotBlank();
                });
    }

    @Test
    void pollInterval_outOfRange_keptBetweenOneSecondAndOneDay() {
        assertThat(DesiredState.of(statement(List.of(), 0)).pollInterval(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(1));
        assertThat(DesiredState.of(statement(List.of(), 999999999)).pollInterval(Duration.ofSeconds(5)))
                .isEqualTo(Duration.ofDays(1));
    }
}
