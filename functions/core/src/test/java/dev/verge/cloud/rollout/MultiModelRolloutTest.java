package dev.verge.cloud.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.devices.DeviceIdentity;
import dev.verge.cloud.devices.DeviceCredentials;
import dev.verge.cloud.json.CloudJson;
import dev.verge.wire.DeviceHeaders;
import dev.verge.cloud.devices.StatusReport;
import dev.verge.cloud.port.JsonCollection;
import dev.verge.error.VergeException;
import dev.verge.wire.desired.DesiredStatement;
import dev.verge.wire.desired.SignedStatement;
import dev.verge.wire.status.ModelStatus;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A group that runs several models: one deployment per model, a default, retiring a model, rights per model. */
class MultiModelRolloutTest {
    private static final String GROUP = "line-1";
    private static final String OCR = "ocr-cls";

    private RolloutFixture f;

    @BeforeEach
    void setUp() {
        f = new RolloutFixture();
        f.register("1");
        f.register("2");
        f.register(OCR, "4");
        f.register(OCR, "5");
        f.devices(GROUP, "cam-1", "cam-2");
        f.promoted(GROUP, "1", "cam-1", "cam-2");
    }

    /** A report of a device that serves fruit {@code fruit} (the default) and ocr-cls {@code ocr}. */
    private StatusReport servingBoth(String fruit, String ocr) {
        return new StatusReport(RolloutFixture.MODEL, fruit, "1.29.0", "0.1.0", "serving", f.now(), 0, 0, null, null, null,
                List.of(new ModelStatus(RolloutFixture.MODEL, fruit, "serving", true, 0, 0, null),
                        new ModelStatus(OCR, ocr, "serving", false, 0, 0, null)), List.of());
    }

    private Deployment deployOcr(String version) {
        Deployment d = f.deploy(GROUP, OCR, version, "\"all-at-once\"", HealthRules.none());
        f.report("cam-1", servingBoth("1", version));
        f.report("cam-2", servingBoth("1", version));
        return f.services.deployments().get(d.id());
    }

    private static List<String> models(DesiredState desired) {
        return desired.models().stream().map(m -> m.model() + "/" + m.version() + (m.isDefault() ? " (default)" : "")).toList();
    }

    @Test
    void deployment_ofAnotherModel_addsToTheGroupsModelsAndKeepsTheFirstAsDefault() {
        Deployment ocr = deployOcr("4");

        assertThat(ocr.state()).isEqualTo(DeploymentState.PROMOTED);
        assertThat(ocr.previous()).as("another model has no last good version of its own").isNull();
        assertThat(models(f.desired("cam-1"))).containsExactly("fruit/1 (default)", "ocr-cls/4");
        assertThat(f.desired("cam-1").version()).as("the protocol-1 fields are the default model's").isEqualTo("1");
        assertThat(f.services.deployments().list(Optional.of(GROUP))).extracting(Deployment::state)
                .containsOnly(DeploymentState.PROMOTED);
    }

    @Test
    void deployment_sayingDefault_makesItsModelTheDefault() {
        f.services.deployments().create(new DeploymentRequest(GROUP, OCR, "4", TextNode.valueOf("all-at-once"), null, null, null,
                null, true), "test");

        assertThat(models(f.desired("cam-2"))).containsExactly("fruit/1", "ocr-cls/4 (default)");
    }

    @Test
    void canaryOfOneModel_leavesTheOtherModelsDeploymentAlone() {
        Deployment ocr = deployOcr("4");
        Deployment canary = f.deploy(GROUP, "2", "{\"type\": \"canary\", \"percent\": 50, \"bakeMinutes\": 30}", HealthRules.none());
        String canaryDevice = canary.canaryDevices().get(0);

        assertThat(f.services.deployments().get(ocr.id()).state()).isEqualTo(DeploymentState.PROMOTED);
        assertThat(models(f.desired(canaryDevice))).containsExactly("fruit/2 (default)", "ocr-cls/4");
        Deployment newerOcr = f.deploy(GROUP, OCR, "5", "{\"type\": \"canary\", \"percent\": 50, \"bakeMinutes\": 30}", HealthRules.none());
        assertThat(f.services.deployments().get(canary.id()).state()).as("only the same model's deployment is superseded")
                .isEqualTo(DeploymentState.ROLLING_OUT);
        assertThat(newerOcr.previous().version()).isEqualTo("4");
    }

    @Test
    void retire_allAtOnce_takesTheModelOffEveryDeviceWithItsHistory() {
        deployOcr("4");

        Deployment retire = f.services.deployments().create(new DeploymentRequest(GROUP, OCR, null, null, null, null, null, true, null),
                "test").deployment();
        assertThat(retire.retires()).isTrue();
        assertThat(models(f.desired("cam-1"))).containsExactly("fruit/1 (default)");
        f.report("cam-1", f.serving("1", 0, 0, null));
        f.report("cam-2", f.serving("1", 0, 0, null));

        Deployment done = f.services.deployments().get(retire.id());
        assertThat(done.state()).isEqualTo(DeploymentState.PROMOTED);
        assertThat(done.history()).extracting(Decision::reason).anySatisfy(r -> assertThat(r).contains("drops ocr-cls"));
        assertThat(models(f.desired("cam-2"))).containsExactly("fruit/1 (default)");
    }

    @Test
    void retire_ofTheDefaultModel_makesTheNextModelTheDefault() {
        deployOcr("4");
        f.services.deployments().create(new DeploymentRequest(GROUP, RolloutFixture.MODEL, null, null, null, null, null, true, null), "test");

        assertThat(models(f.desired("cam-1"))).containsExactly("ocr-cls/4 (default)");
    }

    @Test
    void retire_ofAModelTheGroupDoesNotRun_is409() {
        assertThatThrownBy(() -> f.services.deployments().create(new DeploymentRequest(GROUP, OCR, null, null, null, null, null, true,
                null), "test")).isInstanceOf(VergeException.class).hasMessageContaining("runs no version of ocr-cls")
                .extracting(e -> ((VergeException) e).code()).isEqualTo("model_not_deployed");
    }

    @Test
    void retire_withAVersion_is400() {
        assertThatThrownBy(() -> f.services.deployments().create(new DeploymentRequest(GROUP, OCR, "4", null, null, null, null, true,
                null), "test")).isInstanceOf(VergeException.class).extracting(e -> ((VergeException) e).code()).isEqualTo("deployment_invalid");
    }

    @Test
    void signedStatement_listsEveryModelEachSignedAndOneDefault() throws Exception {
        deployOcr("4");

        DeviceCredentials cam = f.services.devices().create("cam-9", GROUP);
        ApiResponse response = f.services.api().handle(ApiRequest.of("GET", "/api/devices/cam-9/desired", Map.of(
                DeviceHeaders.DEVICE_ID, List.of(cam.id()), DeviceHeaders.DEVICE_KEY, List.of(cam.primaryKey()),
                DeviceHeaders.PROTOCOL, List.of("2")), null));
        assertThat(response.status()).as(new String(response.bodyBytes())).isEqualTo(200);
        SignedStatement signed = CloudJson.mapper().readValue(response.bodyBytes(), SignedStatement.class);
        DesiredStatement statement = CloudJson.mapper().readValue(Base64.getDecoder().decode(signed.statement()), DesiredStatement.class);

        assertThat(statement.models()).extracting(DesiredStatement.ModelEntry::name).containsExactly("fruit", OCR);
        assertThat(statement.models()).filteredOn(DesiredStatement.ModelEntry::defaultModel).extracting(DesiredStatement.ModelEntry::name)
                .containsExactly("fruit");
        assertThat(statement.models()).allSatisfy(m -> assertThat(m.signature()).isNotBlank());
    }

    @Test
    void cloudPrediction_rights_followEachModelsDeployment() {
        deployOcr("4");
        DeviceIdentity cam = new DeviceIdentity("cam-1", GROUP);

        assertThat(f.services.rights().predictable(cam, OCR, Optional.empty())).isEqualTo("4");
        assertThat(f.services.rights().predictable(cam, RolloutFixture.MODEL, Optional.of("1"))).isEqualTo("1");
        assertThatThrownBy(() -> f.services.rights().predictable(cam, OCR, Optional.of("5")))
                .hasMessageContaining("names fruit 1, ocr-cls 4, not ocr-cls 5");
    }

    @Test
    void deployments_ofTwoModelsAtOnce_bothLandAndNeitherIsLost() throws Exception {
        f.register(OCR, "6");
        for (int round = 0; round < 10; round++) {
            String fruitVersion = round % 2 == 0 ? "2" : "1";
            String ocrVersion = round % 2 == 0 ? "5" : "6";
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<Deployment> fruit = pool.submit(() -> {
                    start.await();
                    return f.deploy(GROUP, RolloutFixture.MODEL, fruitVersion, "\"all-at-once\"", HealthRules.none());
                });
                Future<Deployment> ocr = pool.submit(() -> {
                    start.await();
                    return f.deploy(GROUP, OCR, ocrVersion, "\"all-at-once\"", HealthRules.none());
                });
                start.countDown();
                assertThat(List.of(fruit.get(30, TimeUnit.SECONDS).id(), ocr.get(30, TimeUnit.SECONDS).id()))
                        .containsExactlyInAnyOrderElementsOf(f.services.deployments().currentIn(GROUP).current().stream()
                                .map(Deployment::id).toList());
            } finally {
                pool.shutdownNow();
            }
        }
        assertThat(f.services.deployments().list(Optional.of(GROUP))).as("every deployment made is kept, none left over")
                .hasSize(21);
    }

    @Test
    void groupPointer_storedBeforeSeveralModels_isReadAsItsDeploymentsModel() {
        Deployment fruit = f.services.deployments().list(Optional.of(GROUP)).get(0);
        JsonCollection<Map> pointers = new JsonCollection<>(f.metadata, GroupPointer.COLLECTION, Map.class);
        long revision = pointers.get(GROUP).orElseThrow().revision();
        assertThat(pointers.update(GROUP, revision, Map.of("group", GROUP, "deploymentId", fruit.id(),
                "updatedAt", Instant.EPOCH.toString()))).isTrue();

        assertThat(models(f.desired("cam-1"))).containsExactly("fruit/1 (default)");
        Deployment ocr = deployOcr("4");
        assertThat(ocr.state()).isEqualTo(DeploymentState.PROMOTED);
        assertThat(models(f.desired("cam-1"))).containsExactly("fruit/1 (default)", "ocr-cls/4");
    }
}
