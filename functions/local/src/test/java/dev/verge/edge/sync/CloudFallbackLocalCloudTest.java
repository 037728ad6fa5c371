package dev.verge.edge.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.devices.DeviceCredentials;
import dev.verge.cloud.local.LocalCloud;
import dev.verge.cloud.registry.PackageSource;
import dev.verge.cloud.rollout.DeploymentRequest;
import dev.verge.cloud.rollout.HealthRules;
import dev.verge.demo.DemoModels;
import dev.verge.edge.sync.SyncedAgent.Answer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cloud fallback against the real local cloud: its predict route takes the device's own credentials and
 * answers for the version the deployment names. The agent trusts another signing key, so it never loads the
 * package and every answer comes from the cloud. It polls once, by hand: a polling agent would report the
 * refused package, and the cloud would roll the deployment back (then nothing is named and the fallback has
 * nothing to ask for).
 */
@Timeout(120)
class CloudFallbackLocalCloudTest {
    @TempDir
    Path dir;

    @Test
    void noModel_fallbackOn_theLocalCloudAnswersForTheDeployedVersion() throws Exception {
        try (LocalCloud cloud = LocalCloud.start(LocalCloud.Settings.of(dir.resolve("cloud"), CloudConfig.withApiKeys("fallback-key-1")))) {
            CloudServices services = cloud.services();
            services.registry().register(new ByteArrayInputStream(Packages.fruitQuality(dir, "1")), DemoModels.NAME,
                    PackageSource.api("test"));
            DeviceCredentials device = services.devices().create("cam-7", "line-7");
            services.deployments().create(new DeploymentRequest("line-7", DemoModels.NAME, "1", TextNode.valueOf("all-at-once"),
                    HealthRules.none(), null, null), "test");
            // the agent trusts the cloud but takes no package larger than one byte: it knows what to run, and cannot load it
            SyncSettings settings = new SyncSettings(cloud.baseUri(), device.id(), device.primaryKey(),
                    java.util.List.of(services.signer().publicKey()), dir.resolve("state"), Duration.ofMillis(100),
                    Duration.ofSeconds(10), Duration.ofMillis(20), Duration.ofMillis(200), 1, true, null);

            try (SyncedAgent agent = SyncedAgent.start(settings, false)) {
                agent.sync.poll();
                assertThat(agent.sync.wanted()).hasValueSatisfying(ref -> assertThat(ref.version()).isEqualTo("1"));

                Answer apple = agent.classify();
                Answer notAPicture = SyncedAgent.post(agent.server.port(), "not a picture".getBytes(StandardCharsets.UTF_8));

                assertThat(agent.slot.isReady()).isFalse();
                assertThat(apple.status()).isEqualTo(200);
                assertThat(apple.servedBy()).isEqualTo("cloud");
                assertThat(apple.headers().firstValue("X-Verge-Model-Version")).hasValue("1");
                assertThat(apple.iteration()).isEqualTo("1");
                assertThat(apple.json().path("project").asText()).isEqualTo(DemoModels.NAME);
                assertThat(apple.json().path("predictions").path(0).path("tagName").asText()).isEqualTo("ripe");
                assertThat(notAPicture.status()).as("the cloud's own 4xx for a bad picture passes through: %s", notAPicture.json()).isEqualTo(400);
                assertThat(notAPicture.servedBy()).isEqualTo("cloud");
                assertThat(notAPicture.json().path("error").asText()).as("the code the agent gives itself").isEqualTo("image_unsupported_format");
            }
        }
    }
}
