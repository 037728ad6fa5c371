package dev.verge.cloud.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.cloud.CloudServices;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.devices.DeviceIdentity;
import dev.verge.cloud.azure.storage.Azurite;
import dev.verge.cloud.devices.StatusReport;
import dev.verge.cloud.registry.PackageSource;
import dev.verge.cloud.rollout.Deployment;
import dev.verge.cloud.rollout.DeploymentRequest;
import dev.verge.cloud.rollout.DeploymentState;
import dev.verge.cloud.rollout.HealthRules;
import dev.verge.cloud.rollout.PackageSigner;
import dev.verge.cloud.testing.RegistryPackages;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The timer function on Azurite: a baking canary is promoted by the timer alone once its bake time passed. */
@Timeout(120)
class RolloutTickFunctionTest {

    @Test
    void timer_afterBakeTime_promotesCanaryAndLogsWhy() throws Exception {
        AzureApp app = AzureApp.create(Map.of(
                "VERGE_STORAGE", Azurite.shared().connectionString(),
                "VERGE_TABLE", "rollouttick",
                "VERGE_API_KEY", "tick-key-0123456789",
                "VERGE_SIGNING_KEY", PackageSigner.generate().privateKeyBase64()));
        CloudServices services = app.services();
        String unique = UUID.randomUUID().toString().substring(0, 8);
        String model = "m-" + unique;
        String group = "g-" + unique;
        services.registry().register(new ByteArrayInputStream(RegistryPackages.valid(model, "1")), model, PackageSource.api("t"));
        services.devices().create("d-" + unique, group);
        Deployment d = services.deployments().create(new DeploymentRequest(group, model, "1",
                CloudJson.mapper().readTree("{\"type\": \"canary\", \"percent\": 100, \"bakeMinutes\": 0.005}"),
                HealthRules.none(), null, null), "test").deployment();
        services.deviceSync().report(new DeviceIdentity("d-" + unique, group),
                new StatusReport(model, "1", "1.29.0", "0.1.0", "serving", Instant.now(), 3, 0, null, null));
        assertThat(services.deployments().get(d.id()).state()).isEqualTo(DeploymentState.BAKING);
        RolloutTickFunction function = new RolloutTickFunction(() -> app);
        TestExecutionContext context = new TestExecutionContext("rolloutTick");

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            function.run("{\"isPastDue\": false}", context);
            return services.deployments().get(d.id()).state() != DeploymentState.BAKING;
        });

        assertThat(services.deployments().get(d.id()).state()).isEqualTo(DeploymentState.PROMOTED);
        assertThat(context.logged).anySatisfy(line -> assertThat(line).contains(d.id()).contains("baking -> promoted"));
    }
}
