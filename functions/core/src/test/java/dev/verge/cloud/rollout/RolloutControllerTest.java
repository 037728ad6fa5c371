package dev.verge.cloud.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.cloud.devices.StatusReport;
import dev.verge.inference.pkg.PackageSignature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class RolloutControllerTest {
    private static final String GROUP = "line-1";
    private static final HealthRules RULES = new HealthRules(0.05, 50.0, 0.2, 10L);

    private RolloutFixture f;

    @BeforeEach
    void setUp() {
        f = new RolloutFixture();
        f.register("1");
        f.register("2");
        f.devices(GROUP, "cam-1", "cam-2", "cam-3", "cam-4");
        f.promoted(GROUP, "1", "cam-1", "cam-2", "cam-3", "cam-4");
    }

    private Deployment canary(double bakeMinutes) {
        return f.deploy(GROUP, "2", "{\"type\": \"canary\", \"percent\": 50, \"bakeMinutes\": " + bakeMinutes + "}", RULES);
    }

    private List<String> others(Deployment d) {
        return List.of("cam-1", "cam-2", "cam-3", "cam-4").stream().filter(id -> !d.canaryDevices().contains(id)).toList();
    }

    private Decision last(Deployment d) {
        return d.history().get(d.history().size() - 1);
    }

    @Test
    void firstDeployment_allAtOnce_isPromotedOnceEveryDeviceServesIt() {
        Deployment first = f.services.deployments().list(java.util.Optional.of(GROUP)).get(0);

        assertThat(first.state()).isEqualTo(DeploymentState.PROMOTED);
        assertThat(first.history()).extracting(Decision::state)
                .containsExactly(DeploymentState.ROLLING_OUT, DeploymentState.BAKING, DeploymentState.PROMOTED);
        assertThat(f.desired("cam-3").version()).isEqualTo("1");
    }

    @Test
    void canary_choosesHalfTheGroup_stableAcrossCalls() {
        Deployment d = canary(30);

        assertThat(d.canaryDevices()).hasSize(2);
        assertThat(d.canaryDevices()).isEqualTo(CanarySelection.choose(d.id(), List.of("cam-1", "cam-2", "cam-3", "cam-4"), 50));
        assertThat(f.services.deployments().get(d.id()).canaryDevices()).isEqualTo(d.canaryDevices());
        assertThat(d.previous().version()).isEqualTo("1");
    }

    @Test
    void desired_whileCanaryRollsOut_canaryGetsNewVersionOthersKeepLastGood() {
        Deployment d = canary(30);

        for (String id : d.canaryDevices()) {
            DesiredState desired = f.desired(id);
            assertThat(desired.version()).isEqualTo("2");
            assertThat(desired.deployment().role()).isEqualTo("canary");
            assertThat(desired.deployment().id()).isEqualTo(d.id());
            assertThat(desired.packageRef().sha256()).isEqualTo(d.target().sha256());
        }
        for (String id : others(d)) {
            DesiredState desired = f.desired(id);
            assertThat(desired.version()).isEqualTo("1");
            assertThat(desired.deployment().role()).isEqualTo("stable");
        }
    }

    @Test
    void desired_packageSignature_verifiesWithThePublicKey() {
        Deployment d = canary(30);

        DesiredState desired = f.desired(d.canaryDevices().get(0));

        assertThat(PackageSignature.verify(RolloutFixture.SIGNER.publicKey(), desired.model(), desired.version(),
                desired.packageRef().sha256(), desired.packageRef().size(), desired.packageRef().signature())).isTrue();
        assertThat(PackageSignature.verify(RolloutFixture.SIGNER.publicKey(), desired.model(), "1",
                desired.packageRef().sha256(), desired.packageRef().size(), desired.packageRef().signature())).isFalse();
        assertThat(desired.packageRef().url()).isNotBlank();
        assertThat(desired.pollSeconds()).isPositive();
        assertThat(desired.sampling().path("enabled").asBoolean(true)).isFalse();
    }

    @Test
    void canary_allCanariesServing_bakesThenPromotesAfterBakeTime() {
        Deployment d = canary(30);
        for (String id : d.canaryDevices()) {
            f.report(id, f.serving("2", 100, 1, 12.0));
        }
        assertThat(f.services.deployments().get(d.id()).state()).isEqualTo(DeploymentState.BAKING);

        f.clock.advance(Duration.ofMinutes(29));
        assertThat(f.services.rollout().evaluate(f.now())).singleElement()
                .satisfies(o -> assertThat(o.after()).isEqualTo(DeploymentState.BAKING));
        f.clock.advance(Duration.ofMinutes(2));
        f.services.rollout().evaluate(f.now());

        Deployment promoted = f.services.deployments().get(d.id());
        assertThat(promoted.state()).isEqualTo(DeploymentState.PROMOTED);
        assertThat(last(promoted).reason()).contains("bake time of 30 minutes").contains("200 requests, 2 errors");
        for (String id : List.of("cam-1", "cam-2", "cam-3", "cam-4")) {
            assertThat(f.desired(id).version()).isEqualTo("2");
            assertThat(f.desired(id).deployment().role()).isEqualTo("stable");
        }
    }

    @Test
    void canary_notAllCanariesServing_staysRollingOutPastBakeTime() {
        Deployment d = canary(1);
        f.report(d.canaryDevices().get(0), f.serving("2", 100, 0, 10.0));
        f.report(d.canaryDevices().get(1), f.serving("1", 100, 0, 10.0));

        f.clock.advance(Duration.ofHours(2));
        f.services.rollout().evaluate(f.now());

        assertThat(f.services.deployments().get(d.id()).state()).isEqualTo(DeploymentState.ROLLING_OUT);
    }

    /** A report of an agent serving the deployment's model at {@code version} and another model beside it. */
    private StatusReport withOtherModel(String version, long requests, long errors, long otherRequests, long otherErrors) {
        var models = List.of(new dev.verge.wire.status.ModelStatus(RolloutFixture.MODEL, version, "serving", true, requests, errors, null),
                new dev.verge.wire.status.ModelStatus("ocr", "4", "serving", false, otherRequests, otherErrors, null));
        return new StatusReport(RolloutFixture.MODEL, version, "1.29.0", "0.1.0", "serving", f.now(), requests + otherRequests,
                errors + otherErrors, null, null, null, models, List.of());
    }

    @Test
    void canary_agentWithTwoModels_isJudgedOnTheDeployedModelsOwnCounts() {
        Deployment d = canary(30);

        // the other model fails half its requests; the deployed one none
        for (String id : d.canaryDevices()) {
            f.report(id, withOtherModel("2", 100, 0, 100, 50));
        }
        assertThat(f.services.deployments().get(d.id()).state()).isEqualTo(DeploymentState.BAKING);

        f.report(d.canaryDevices().get(0), withOtherModel("2", 100, 30, 100, 0));
        Deployment after = f.services.deployments().get(d.id());
        assertThat(after.state()).isEqualTo(DeploymentState.ROLLED_BACK);
        assertThat(last(after).reason()).contains("30 of 300 requests");
    }

    @Test
    void canary_errorRateAboveRule_rollsBackWithReason() {
        Deployment d = canary(30);
        f.report(d.canaryDevices().get(0), f.serving("2", 100, 1, 10.0));

        f.report(d.canaryDevices().get(1), f.serving("2", 100, 20, 10.0));

        Deployment after = f.services.deployments().get(d.id());
        assertThat(after.state()).isEqualTo(DeploymentState.ROLLED_BACK);
        assertThat(last(after).reason()).contains("error rate").contains("21 of 200 requests").contains("maxErrorRate 0.05")
                .contains("back to fruit/1");
        for (String id : d.canaryDevices()) {
            assertThat(f.desired(id).version()).isEqualTo("1");
        }
    }

    @Test
    void canary_p95AboveRule_rollsBackNamingTheDevice() {
        Deployment d = canary(30);
        String slow = d.canaryDevices().get(1);
        f.report(d.canaryDevices().get(0), f.serving("2", 50, 0, 10.0));

        f.report(slow, f.serving("2", 50, 0, 80.0));

        Deployment after = f.services.deployments().get(d.id());
        assertThat(after.state()).isEqualTo(DeploymentState.ROLLED_BACK);
        assertThat(last(after).reason()).contains("p95 latency 80.0 ms on " + slow).contains("maxP95Ms 50.0");
    }

    @Test
    void canary_tooFewRequests_isNotJudged() {
        Deployment d = canary(30);

        f.report(d.canaryDevices().get(0), f.serving("2", 3, 3, 500.0));

        assertThat(f.services.deployments().get(d.id()).state()).isEqualTo(DeploymentState.ROLLING_OUT);
    }

    @Test
    void statusReport_retriedWithSameWindow_isCountedOnce() {
        Deployment d = canary(30);
        String id = d.canaryDevices().get(0);
        StatusReport report = f.serving("2", 8, 1, 10.0);

        f.services.deviceSync().report(f.device(id), report);
        f.services.deviceSync().report(f.device(id), report);

        assertThat(f.services.devices().require(id).health(d.id(), false).orElseThrow().requests()).isEqualTo(8);
        assertThat(f.services.deployments().get(d.id()).state()).isEqualTo(DeploymentState.ROLLING_OUT);
    }

    @Test
    void canary_deviceFailsToTakeVersion_rollsBackWithItsError() {
        Deployment d = canary(30);

        f.report(d.canaryDevices().get(0), f.failed("1", "2", "package_signature_invalid"));

        Deployment after = f.services.deployments().get(d.id());
        assertThat(after.state()).isEqualTo(DeploymentState.ROLLED_BACK);
        assertThat(last(after).reason()).contains(d.canaryDevices().get(0)).contains("package_signature_invalid");
    }

    /** What the group's agents' telemetry brought in: {@code count} answers of {@code version}, {@code unripe} of them "unripe". */
    private void answered(String version, int count, int unripe) {
        dev.verge.cloud.analytics.Aggregate aggregate = new dev.verge.cloud.analytics.Aggregate();
        for (int i = 0; i < count; i++) {
            aggregate.add(new dev.verge.cloud.analytics.Observation(200, i < unripe ? "unripe" : "ripe", 0.9, 5.0, 1.0));
        }
        f.services.analytics().rollups().add(
                dev.verge.cloud.analytics.RollupKey.group(RolloutFixture.MODEL, version, GROUP, f.now()), aggregate);
    }

    @Test
    void drift_canaryAnswersUnripeForEverything_rollsBackOnPredictionDrift() {
        answered("1", 40, 20);
        Deployment d = canary(30);
        for (String id : d.canaryDevices()) {
            f.report(id, f.serving("2", 20, 0, 10.0));
        }

        answered("2", 40, 40);
        Deployment after = f.services.rollout().evaluate(d.id(), f.now());

        assertThat(after.state()).isEqualTo(DeploymentState.ROLLED_BACK);
        assertThat(last(after).reason()).contains("prediction drift").contains("above maxDrift 0.2");
    }

    @Test
    void drift_canaryAnswersLikeLastGood_isPromotedAfterBake() {
        answered("1", 40, 20);
        Deployment d = canary(1);
        for (String id : d.canaryDevices()) {
            f.report(id, f.serving("2", 20, 0, 10.0));
        }
        answered("2", 40, 21);
        f.clock.advance(java.time.Duration.ofMinutes(2));

        Deployment after = f.services.rollout().evaluate(d.id(), f.now());

        assertThat(after.state()).isEqualTo(DeploymentState.PROMOTED);
    }

    @Test
    void drift_canaryAnswersOnlyErrors_isJudgedByErrorRateNotDrift() {
        answered("1", 40, 20);
        Deployment d = canary(30);
        dev.verge.cloud.analytics.Aggregate failures = new dev.verge.cloud.analytics.Aggregate();
        for (int i = 0; i < 40; i++) {
            failures.add(new dev.verge.cloud.analytics.Observation(500, null, null, 5.0, null));
        }
        f.services.analytics().rollups().add(
                dev.verge.cloud.analytics.RollupKey.group(RolloutFixture.MODEL, "2", GROUP, f.now()), failures);

        for (String id : d.canaryDevices()) {
            f.report(id, f.serving("2", 20, 20, 10.0));
        }

        Deployment after = f.services.deployments().get(d.id());
        assertThat(after.state()).isEqualTo(DeploymentState.ROLLED_BACK);
        assertThat(last(after).reason()).contains("error rate");
    }

    @Test
    void drift_tooFewCanaryAnswers_isNotJudged() {
        answered("1", 40, 20);
        Deployment d = canary(30);
        answered("2", 5, 5);

        Deployment after = f.services.rollout().evaluate(d.id(), f.now());

        assertThat(after.state()).isNotEqualTo(DeploymentState.ROLLED_BACK);
    }

    @Test
    void drift_fromAnotherHealthSource_rollsBack() {
        Deployment d = canary(30);
        HealthSource drifting = (deployment, ids) -> new HealthFigures(null, null, null, null, 0.5);
        RolloutController withDrift = new RolloutController(f.services.deployments(), f.services.devices(),
                HealthSource.firstOf(List.of(new StatusReportHealth(), drifting)));

        Deployment after = withDrift.evaluate(d.id(), f.now());

        assertThat(after.state()).isEqualTo(DeploymentState.ROLLED_BACK);
        assertThat(last(after).reason()).contains("prediction drift 0.500 is above maxDrift 0.2");
    }

    @Test
    void newDeployment_supersedesTheOneInProgress() {
        Deployment first = canary(30);
        f.register("3");

        Deployment second = f.deploy(GROUP, "3", "{\"type\": \"canary\", \"percent\": 25, \"bakeMinutes\": 5}", RULES);

        Deployment old = f.services.deployments().get(first.id());
        assertThat(old.state()).isEqualTo(DeploymentState.SUPERSEDED);
        assertThat(last(old).reason()).contains(second.id());
        assertThat(second.previous().version()).isEqualTo("1");
        assertThat(f.services.rollout().evaluate(f.now())).extracting(RolloutController.Outcome::deploymentId).containsExactly(second.id());
    }

    @Test
    void canary_deviceRuntimeTooOldForOpset_isHeldOnLastGoodWithReason() {
        Deployment d = canary(30);
        String old = d.canaryDevices().get(0);
        f.report(old, new StatusReport("fruit", "1", "1.5.0", "0.1.0", "serving", f.now(), 0, 0, null, null));

        DesiredState desired = f.desired(old);

        assertThat(desired.version()).isEqualTo("1");
        Deployment after = f.services.deployments().get(d.id());
        assertThat(after.heldDevices()).containsKey(old);
        assertThat(after.heldDevices().get(old)).contains("opset 12").contains("opset 13");
        f.report(d.canaryDevices().get(1), f.serving("2", 0, 0, null));
        assertThat(f.services.deployments().get(d.id()).state()).isEqualTo(DeploymentState.BAKING);
    }

    @Test
    void evaluate_twoControllersAtOnce_recordOnePromotion() throws Exception {
        Deployment d = canary(5);
        for (String id : d.canaryDevices()) {
            f.report(id, f.serving("2", 100, 0, 10.0));
        }
        f.clock.advance(Duration.ofMinutes(10));
        RolloutController a = f.services.rollout();
        RolloutController b = new RolloutController(f.services.deployments(), f.services.devices(),
                new StatusReportHealth());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Deployment>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                RolloutController controller = i % 2 == 0 ? a : b;
                Callable<Deployment> task = () -> {
                    go.await();
                    return controller.evaluate(d.id(), f.now());
                };
                results.add(pool.submit(task));
            }
            go.countDown();
            for (Future<Deployment> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS).state()).isEqualTo(DeploymentState.PROMOTED);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(f.services.deployments().get(d.id()).history()).extracting(Decision::state)
                .containsExactly(DeploymentState.ROLLING_OUT, DeploymentState.BAKING, DeploymentState.PROMOTED);
    }
}
