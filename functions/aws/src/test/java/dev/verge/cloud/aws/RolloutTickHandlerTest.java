package dev.verge.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.devices.DeviceIdentity;
import dev.verge.cloud.devices.StatusReport;
import dev.verge.cloud.registry.PackageSource;
import dev.verge.cloud.rollout.Deployment;
import dev.verge.cloud.rollout.DeploymentRequest;
import dev.verge.cloud.rollout.DeploymentState;
import dev.verge.cloud.rollout.HealthRules;
import dev.verge.cloud.rollout.PackageSigner;
import dev.verge.cloud.testing.RegistryPackages;
import dev.verge.cloud.testing.TestClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The scheduled rollout tick on dynalite and S3: a canary whose bake time passed is promoted by the tick alone. */
class RolloutTickHandlerTest {

    @Test
    void scheduledEvent_afterBakeTime_promotesCanary() throws Exception {
        TestClock clock = new TestClock();
        CloudServices services = CloudServices.create(Emulators.blobStore(Emulators.newBucket()),
                new DynamoDbMetadataStore(Emulators.dynamo(), Emulators.newTable()), clock,
                CloudConfig.withApiKeys("tick-key-0123456789").withSigningKey(PackageSigner.generate().privateKeyBase64()));
        services.registry().register(new ByteArrayInputStream(RegistryPackages.valid("fruit", "1")), "fruit", PackageSource.api("t"));
        services.devices().create("cam-1", "line-1");
        Deployment d = services.deployments().create(new DeploymentRequest("line-1", "fruit", "1",
                CloudJson.mapper().readTree("{\"type\": \"canary\", \"percent\": 50, \"bakeMinutes\": 15}"), HealthRules.none(),
                null, null), "test").deployment();
        services.deviceSync().report(new DeviceIdentity("cam-1", "line-1"), new StatusReport("fruit", "1", "1.29.0", "0.1.0",
                "serving", clock.instant(), 10, 0, null, null));
        clock.advance(Duration.ofMinutes(16));

        JsonNode answer;
        try (InputStream event = getClass().getResourceAsStream("/events/eventbridge-scheduled.json")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new RolloutTickHandler(services).handleRequest(event, out, null);
            answer = CloudJson.mapper().readTree(out.toByteArray());
        }

        assertThat(answer.path("evaluated").asInt()).isEqualTo(1);
        assertThat(answer.path("outcomes").get(0).path("after").asText()).isEqualTo("promoted");
        assertThat(answer.path("outcomes").get(0).path("reason").asText()).contains("bake time of 15 minutes");
        assertThat(services.deployments().get(d.id()).state()).isEqualTo(DeploymentState.PROMOTED);
    }
}
