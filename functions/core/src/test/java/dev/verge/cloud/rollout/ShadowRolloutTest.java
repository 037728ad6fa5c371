package dev.verge.cloud.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.cloud.devices.StatusReport;
import dev.verge.error.VergeException;
import dev.verge.wire.status.Latency;
import dev.verge.wire.status.ShadowReport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The shadow strategy: devices keep answering with the version in production and judge the candidate beside it. */
class ShadowRolloutTest {
    private static final String GROUP = "line-1";
    private static final List<String> CAMS = List.of("cam-1", "cam-2", "cam-3", "cam-4");
    private static final HealthRules RULES = new HealthRules(null, 80.0, null, 20L, 0.9);

    private RolloutFixture f;

    @BeforeEach
    void setUp() {
        f = new RolloutFixture();
        f.register("1");
        f.register("2");
        f.devices(GROUP, CAMS.toArray(String[]::new));
        f.promoted(GROUP, "1", CAMS.toArray(String[]::new));
    }

    private Deployment shadow(String then) {
        return f.deploy(GROUP, "2", "{\"type\": \"shadow\", \"percent\": 10, \"bakeMinutes\": 30, \"then\": " + then + "}", RULES);
    }

    /** Every device reports a window of {@code pairs} pictures run by both versions, {@code agreements} with the same top label. */
    private void reportPairs(long pairs, long agreements, double candidateP95) {
        for (String cam : CAMS) {
            ShadowReport pair = new ShadowReport(RolloutFixture.MODEL, "1", "2", 10, f.now().toString(), pairs, agreements,
                    pairs == 0 ? null : (double) agreements / pairs, 0.0, 0.0, new Latency(candidateP95 / 2, candidateP95, candidateP95),
                    0, 0);
            f.report(cam, new StatusReport(RolloutFixture.MODEL, "1", "1.29.0", "0.1.0", "serving", f.now(), pairs * 10, 0, null,
                    null, null, List.of(), List.of(pair)));
        }
    }

    private Deployment afterBake(Deployment d) {
        f.clock.advance(Duration.ofMinutes(31));
        return f.services.rollout().evaluate(d.id(), f.now());
    }

    private static String lastReason(Deployment d) {
        return d.history().get(d.history().size() - 1).reason();
    }

    @Test
    void shadow_whileRunning_everyDeviceAnswersWithTheServedVersionAndRunsTheCandidateBeside() {
        Deployment d = shadow("\"all-at-once\"");

        assertThat(d.state()).isEqualTo(DeploymentState.SHADOWING);
        for (String cam : CAMS) {
            DesiredState desired = f.desired(cam);
            assertThat(desired.version()).isEqualTo("1");
            assertThat(desired.models()).singleElement().satisfies(m -> {
                assertThat(m.version()).isEqualTo("1");
                assertThat(m.shadow().version()).isEqualTo("2");
                assertThat(m.shadow().percent()).isEqualTo(10);
                assertThat(m.shadow().packageRef().sha256()).isEqualTo(d.target().sha256());
            });
        }
    }

    @Test
    void shadow_agreeingCandidate_goesOnToAllAtOnceAndIsPromoted() {
        Deployment d = shadow("\"all-at-once\"");
        reportPairs(10, 10, 12.0);

        Deployment after = afterBake(d);

        assertThat(after.state()).isEqualTo(DeploymentState.ROLLING_OUT);
        assertThat(lastReason(after)).contains("the shadow passed").contains("agreement 1.00 on 40 pictures");
        assertThat(f.desired("cam-3").version()).isEqualTo("2");
        assertThat(f.desired("cam-3").models().get(0).shadow()).isNull();
        for (String cam : CAMS) {
            f.report(cam, f.serving("2", 0, 0, null));
        }
        Deployment promoted = f.services.deployments().get(d.id());
        assertThat(promoted.state()).isEqualTo(DeploymentState.PROMOTED);
        assertThat(promoted.history()).extracting(Decision::state).containsExactly(DeploymentState.SHADOWING,
                DeploymentState.ROLLING_OUT, DeploymentState.BAKING, DeploymentState.PROMOTED);
    }

    @Test
    void shadow_agreeingCandidate_thenCanary_rollsOutToTheCanariesOnly() {
        Deployment d = shadow("{\"type\": \"canary\", \"percent\": 50, \"bakeMinutes\": 10}");
        reportPairs(10, 10, 12.0);

        Deployment after = afterBake(d);

        assertThat(after.state()).isEqualTo(DeploymentState.ROLLING_OUT);
        assertThat(after.canaryDevices()).hasSize(2);
        for (String cam : CAMS) {
            assertThat(f.desired(cam).version()).isEqualTo(after.canaryDevices().contains(cam) ? "2" : "1");
        }
    }

    @Test
    void shadow_disagreeingCandidate_endsWithTheReasonAndTheDevicesDropIt() {
        Deployment d = shadow("\"all-at-once\"");
        reportPairs(10, 5, 12.0);

        Deployment after = afterBake(d);

        assertThat(after.state()).isEqualTo(DeploymentState.SHADOW_ENDED);
        assertThat(lastReason(after)).contains("on 20 of 40 pictures (agreement 0.500), below minAgreement 0.9");
        assertThat(f.desired("cam-1").version()).isEqualTo("1");
        assertThat(f.desired("cam-1").models().get(0).shadow()).isNull();
    }

    @Test
    void shadow_slowCandidate_endsOnMaxP95() {
        Deployment d = shadow("\"all-at-once\"");
        reportPairs(10, 10, 300.0);

        assertThat(lastReason(afterBake(d))).contains("p95 latency 300 ms").contains("above maxP95Ms 80");
    }

    @Test
    void shadow_tooFewPictures_endsInsteadOfPromoting() {
        Deployment d = shadow("\"all-at-once\"");
        reportPairs(2, 2, 12.0);

        Deployment after = afterBake(d);

        assertThat(after.state()).isEqualTo(DeploymentState.SHADOW_ENDED);
        assertThat(lastReason(after)).contains("8 pictures").contains("fewer than minRequests 20");
    }

    @Test
    void shadow_beforeItsBakeTime_staysShadowing() {
        Deployment d = shadow("\"all-at-once\"");
        reportPairs(10, 0, 12.0);

        assertThat(f.services.rollout().evaluate(d.id(), f.now()).state()).isEqualTo(DeploymentState.SHADOWING);
    }

    @Test
    void shadow_candidateADeviceCannotLoad_endsAtOnce() {
        Deployment d = shadow("\"all-at-once\"");

        f.report("cam-2", f.failed("1", "2", "model_load_failed"));

        Deployment after = f.services.deployments().get(d.id());
        assertThat(after.state()).isEqualTo(DeploymentState.SHADOW_ENDED);
        assertThat(lastReason(after)).contains("cam-2 could not take fruit/2 as a shadow");
    }

    @Test
    void shadow_inAGroupWithoutAServedVersion_is409() {
        f.devices("line-2", "cam-9");

        assertThatThrownBy(() -> f.deploy("line-2", RolloutFixture.MODEL, "2",
                "{\"type\": \"shadow\", \"percent\": 10, \"bakeMinutes\": 30, \"then\": \"all-at-once\"}", RULES))
                .isInstanceOf(VergeException.class).extracting(e -> ((VergeException) e).code()).isEqualTo("shadow_without_serving_version");
    }

    @Test
    void shadowStrategy_withoutThen_is400SayingWhatIsMissing() {
        assertThatThrownBy(() -> f.deploy(GROUP, "2", "{\"type\": \"shadow\", \"percent\": 10, \"bakeMinutes\": 30}", RULES))
                .isInstanceOf(VergeException.class).hasMessageContaining("strategy.then: expected what follows a shadow");
        assertThatThrownBy(() -> f.deploy(GROUP, "2", "{\"type\": \"shadow\", \"percent\": 10, \"bakeMinutes\": 30, \"then\":"
                + " {\"type\": \"shadow\", \"percent\": 5, \"bakeMinutes\": 1}}", RULES))
                .hasMessageContaining("strategy.then.type: expected \"canary\", \"all-at-once\", found \"shadow\"");
    }

    @Test
    void healthRules_minAgreementOutOfRange_is400() {
        assertThatThrownBy(() -> shadowWith(new HealthRules(null, null, null, null, 1.5)))
                .hasMessageContaining("health.minAgreement: expected a fraction from 0 to 1, found 1.5");
    }

    private Deployment shadowWith(HealthRules rules) {
        return f.deploy(GROUP, "2", "{\"type\": \"shadow\", \"percent\": 10, \"bakeMinutes\": 30, \"then\": \"all-at-once\"}", rules);
    }
}
