package dev.verge.cloud.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.registry.PackageSource;
import dev.verge.cloud.registry.PackageRejectedException;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import dev.verge.cloud.testing.RegistryPackages;
import dev.verge.error.VergeException;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

@Timeout(120)
class DeploymentsTest {
    private RolloutFixture f;

    @BeforeEach
    void setUp() {
        f = new RolloutFixture();
        f.register("1");
        f.devices("line-1", "cam-1", "cam-2");
    }

    private static VergeException refused(Executable call) {
        return catchThrowableOfType(VergeException.class, () -> call.execute());
    }

    private VergeException create(String group, String version, String strategy, HealthRules health) {
        return refused(() -> f.services.deployments().create(new DeploymentRequest(group, RolloutFixture.MODEL, version,
                strategy == null ? null : RolloutFixture.json(strategy), health, null, null), "test"));
    }

    @Test
    void create_missingFields_is400NamingEach() {
        VergeException e = refused(() -> f.services.deployments().create(
                new DeploymentRequest(null, "", "1", null, null, null, null), "test"));

        assertThat(e.kind().httpStatus()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("deployment_invalid");
        assertThat(e.getMessage()).contains("group, model");
    }

    @Test
    void create_badStrategy_is400WithEveryProblem() {
        VergeException e = create("line-1", "1", "{\"type\": \"canary\", \"percent\": 0, \"bakeMinutes\": -1}", null);

        assertThat(e.code()).isEqualTo("strategy_invalid");
        assertThat(e.getMessage()).contains("strategy.percent: expected a whole number from 1 to 100, found 0")
                .contains("strategy.bakeMinutes");
        assertThat(create("line-1", "1", "\"blue-green\"", null).getMessage()).contains("found \"blue-green\"");
        assertThat(create("line-1", "1", null, null).code()).isEqualTo("strategy_invalid");
    }

    @Test
    void create_badHealthRules_is400() {
        VergeException e = create("line-1", "1", "\"all-at-once\"", new HealthRules(1.5, -3.0, null, null));

        assertThat(e.kind().httpStatus()).isEqualTo(400);
        assertThat(e.code()).isEqualTo("health_invalid");
        assertThat(e.getMessage()).contains("maxErrorRate").contains("maxP95Ms");
    }

    @Test
    void create_groupWithoutDevices_is404() {
        VergeException e = create("line-9", "1", "\"all-at-once\"", null);

        assertThat(e.kind().httpStatus()).isEqualTo(404);
        assertThat(e.code()).isEqualTo("group_not_found");
        assertThat(e.getMessage()).contains("line-9").contains("POST /api/devices");
    }

    @Test
    void create_unknownVersion_is404() {
        VergeException e = create("line-1", "7", "\"all-at-once\"", null);

        assertThat(e.kind().httpStatus()).isEqualTo(404);
        assertThat(e.code()).isEqualTo("model_version_not_found");
    }

    @Test
    void create_rejectedVersion_is409() {
        catchThrowableOfType(PackageRejectedException.class, () -> f.services.registry().register(
                new ByteArrayInputStream(RegistryPackages.digestMismatch(RolloutFixture.MODEL, "2")), RolloutFixture.MODEL,
                PackageSource.api("test")));

        VergeException e = create("line-1", "2", "\"all-at-once\"", null);

        assertThat(e.kind().httpStatus()).isEqualTo(409);
        assertThat(e.code()).isEqualTo("version_rejected");
    }

    @Test
    void create_versionTheGroupAlreadyRuns_is409() {
        f.promoted("line-1", "1", "cam-1", "cam-2");

        VergeException e = create("line-1", "1", "\"all-at-once\"", null);

        assertThat(e.kind().httpStatus()).isEqualTo(409);
        assertThat(e.code()).isEqualTo("version_already_deployed");
    }

    @Test
    void create_lastGoodVersionAfterRollback_is409ButAllowedWhileInProgress() {
        f.promoted("line-1", "1", "cam-1", "cam-2");
        f.register("2");
        Deployment failed = f.deploy("line-1", "2", "\"all-at-once\"", new HealthRules(0.01, null, null, 1L));
        f.report("cam-1", f.serving("2", 10, 5, null));
        assertThat(f.services.deployments().get(failed.id()).state()).isEqualTo(DeploymentState.ROLLED_BACK);

        assertThat(create("line-1", "1", "\"all-at-once\"", null).code()).isEqualTo("version_already_deployed");

        Deployment again = f.deploy("line-1", "2", "{\"type\": \"canary\", \"percent\": 50, \"bakeMinutes\": 10}", null);
        Deployment back = f.deploy("line-1", "1", "\"all-at-once\"", null);
        assertThat(f.services.deployments().get(again.id()).state()).isEqualTo(DeploymentState.SUPERSEDED);
        assertThat(back.previous().version()).isEqualTo("1");
    }

    @Test
    void create_sameDeploymentAgainWhileInProgress_returnsIt() {
        Deployment first = f.deploy("line-1", "1", "{\"type\": \"canary\", \"percent\": 50, \"bakeMinutes\": 10}", null);

        Deployments.Created again = f.services.deployments().create(new DeploymentRequest("line-1", RolloutFixture.MODEL, "1",
                RolloutFixture.json("{\"type\": \"canary\", \"percent\": 50, \"bakeMinutes\": 10}"), null, null, null), "test");

        assertThat(again.created()).isFalse();
        assertThat(again.deployment().id()).isEqualTo(first.id());
        assertThat(f.services.deployments().list(java.util.Optional.empty())).hasSize(1);
    }

    @Test
    void create_withoutSigningKey_is503() {
        CloudServices unsigned = CloudServices.create(new InMemoryBlobStore(), new InMemoryMetadataStore(), f.clock,
                CloudConfig.withApiKeys("k-0123456789"));
        unsigned.devices().create("cam-1", "line-1");

        VergeException e = refused(() -> unsigned.deployments().create(new DeploymentRequest("line-1", "fruit", "1",
                RolloutFixture.json("\"all-at-once\""), null, null, null), "test"));

        assertThat(e.kind().httpStatus()).isEqualTo(503);
        assertThat(e.code()).isEqualTo("signing_key_missing");
        assertThat(e.getMessage()).contains("VERGE_SIGNING_KEY");
    }

    @Test
    void get_unknownId_is404() {
        VergeException e = refused(() -> f.services.deployments().get("dep-nope"));

        assertThat(e.code()).isEqualTo("deployment_not_found");
    }

    @Test
    void desired_groupWithoutDeployment_isNullModel() {
        DesiredState desired = f.desired("cam-1");

        assertThat(desired.model()).isNull();
        assertThat(desired.version()).isNull();
        assertThat(desired.packageRef()).isNull();
        assertThat(desired.group()).isEqualTo("line-1");
    }

    @Test
    void firstDeployment_rolledBack_leavesNothingDeployed() {
        Deployment d = f.deploy("line-1", "1", "\"all-at-once\"", new HealthRules(0.01, null, null, 1L));

        f.report("cam-1", f.serving("1", 10, 5, null));

        assertThat(f.services.deployments().get(d.id()).state()).isEqualTo(DeploymentState.ROLLED_BACK);
        assertThat(f.desired("cam-1").version()).isNull();
        assertThat(f.desired("cam-1").deployment().id()).isEqualTo(d.id());
    }
}
