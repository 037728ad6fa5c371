package dev.verge.cloud.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.devices.DeviceIdentity;
import dev.verge.cloud.devices.StatusReport;
import dev.verge.cloud.registry.PackageSource;
import dev.verge.cloud.rollout.Deployment;
import dev.verge.cloud.rollout.DeploymentRequest;
import dev.verge.cloud.rollout.DeploymentState;
import dev.verge.cloud.rollout.HealthRules;
import dev.verge.cloud.rollout.PackageSigner;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.testing.RegistryPackages;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the local runtime adds to the rollout: its own signing key, kept across restarts, and the controller's timer. */
@Timeout(120)
class LocalRolloutTest {
    private static final String KEY = "local-rollout-key-77a1";

    @TempDir
    Path data;

    @Test
    void signingKey_madeOnFirstStart_isKeptAcrossRestarts() throws Exception {
        String first;
        try (LocalCloud cloud = LocalCloud.start(LocalCloud.Settings.of(data, CloudConfig.withApiKeys(KEY)))) {
            first = cloud.services().signer().publicKeyBase64();
        }
        try (LocalCloud cloud = LocalCloud.start(LocalCloud.Settings.of(data, CloudConfig.withApiKeys(KEY)))) {
            assertThat(cloud.services().signer().publicKeyBase64()).isEqualTo(first);
        }
        assertThat(Files.readString(data.resolve("signing.key"))).doesNotContain(first);
    }

    @Test
    void signingKey_configured_isUsedAndNoKeyFileIsMade() {
        PackageSigner configured = PackageSigner.generate();

        try (LocalCloud cloud = LocalCloud.start(LocalCloud.Settings.of(data,
                CloudConfig.withApiKeys(KEY).withSigningKey(configured.privateKeyBase64())))) {
            assertThat(cloud.services().signer().publicKeyBase64()).isEqualTo(configured.publicKeyBase64());
        }
        assertThat(data.resolve("signing.key")).doesNotExist();
    }

    @Test
    void timer_promotesCanaryAfterBakeTimeWithoutFurtherReports() throws Exception {
        try (LocalCloud cloud = LocalCloud.start(LocalCloud.Settings.of(data, CloudConfig.withApiKeys(KEY))
                .withRolloutTick(Duration.ofMillis(200)))) {
            var services = cloud.services();
            services.registry().register(new ByteArrayInputStream(RegistryPackages.valid("fruit", "1")), "fruit", PackageSource.api("t"));
            services.devices().create("cam-1", "line-1");
            services.devices().create("cam-2", "line-1");
            Deployment d = services.deployments().create(new DeploymentRequest("line-1", "fruit", "1",
                    CloudJson.mapper().readTree("{\"type\": \"canary\", \"percent\": 50, \"bakeMinutes\": 0.01}"),
                    HealthRules.none(), null, null), "test").deployment();
            String canary = d.canaryDevices().get(0);
            services.deviceSync().report(new DeviceIdentity(canary, "line-1"), new StatusReport("fruit", "1", "1.29.0",
                    "0.1.0", "serving", Instant.now(), 5, 0, null, null));
            assertThat(services.deployments().get(d.id()).state()).isEqualTo(DeploymentState.BAKING);

            await("the canary promoted by the rollout timer").atMost(Duration.ofSeconds(30))
                    .until(() -> services.deployments().get(d.id()).state(), DeploymentState.PROMOTED::equals);
        }
    }
}
