package dev.verge.cloud.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.devices.DeviceIdentity;
import dev.verge.cloud.devices.StatusReport;
import dev.verge.cloud.devices.StatusReport.LastError;
import dev.verge.cloud.registry.PackageSource;
import dev.verge.cloud.testing.CountingMetadataStore;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import dev.verge.cloud.testing.RegistryPackages;
import dev.verge.cloud.testing.TestClock;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A group of thousands of devices: what a deployment stores and what one device's request costs do not grow with it. */
class LargeGroupTest {
    private static final String GROUP = "plant";
    private static final String MODEL = "fruit";
    private static final int DEVICES = 3_000;

    private final TestClock clock = new TestClock();
    private final InMemoryMetadataStore backing = new InMemoryMetadataStore();
    private final CountingMetadataStore metadata = new CountingMetadataStore(backing);
    private final CloudServices services = CloudServices.create(new InMemoryBlobStore(clock), metadata, clock,
            CloudConfig.withApiKeys("fixture-key-0123456789").withSigningKey(PackageSigner.generate().privateKeyBase64()));
    private List<String> ids;

    @BeforeEach
    void setUp() {
        for (String version : List.of("1", "2")) {
            services.registry().register(new ByteArrayInputStream(RegistryPackages.valid(MODEL, version)), MODEL, PackageSource.api("t"));
        }
        ids = IntStream.range(0, DEVICES).mapToObj(i -> String.format("cam-%05d", i)).toList();
        ids.forEach(id -> services.devices().create(id, GROUP));
        services.devices().create("other-1", "elsewhere");
    }

    private Deployment deploy(String version, String strategy) {
        return services.deployments().create(new DeploymentRequest(GROUP, MODEL, version, RolloutFixture.json(strategy),
                HealthRules.none(), null, null), "test").deployment();
    }

    private void report(String id, StatusReport report) {
        services.deviceSync().report(new DeviceIdentity(id, GROUP), report);
    }

    private StatusReport serving(String version) {
        return new StatusReport(MODEL, version, "1.29.0", "0.1.0", "serving", clock.instant(), 10, 0, null, null);
    }

    @Test
    void canary_ofALargeGroup_storesItsRankAndWatchedDevicesNotTheGroup() {
        Deployment d = deploy("1", "{\"type\": \"canary\", \"percent\": 10, \"bakeMinutes\": 30}");

        assertThat(d.canaryCount()).isEqualTo(300);
        assertThat(d.canaryDevices()).hasSize(CanarySelection.WATCHED).isSorted();
        String stored = backing.get(Deployment.COLLECTION, d.id()).orElseThrow().json();
        assertThat(stored.length()).isLessThan(12_000);
        List<String> canaries = ids.stream().filter(d::isCanary).toList();
        assertThat(canaries).isEqualTo(CanarySelection.choose(d.id(), ids, 10)).hasSize(300).containsAll(d.canaryDevices());
    }

    @Test
    void canary_deviceJoiningLater_isACanaryWhenItsRankFallsInTheRange() {
        Deployment d = deploy("1", "{\"type\": \"canary\", \"percent\": 10, \"bakeMinutes\": 30}");
        List<String> late = IntStream.range(0, 400).mapToObj(i -> "late-" + i).toList();
        late.forEach(id -> services.devices().create(id, GROUP));

        List<String> lateCanaries = late.stream().filter(id -> services.deviceSync()
                .desired(new DeviceIdentity(id, GROUP)).deployment().role().equals("canary")).toList();

        assertThat(lateCanaries).hasSizeBetween(10, 90)
                .allMatch(id -> CanarySelection.rank(d.id(), id).compareTo(d.canaryRank()) <= 0);
    }

    @Test
    void allAtOnce_ofALargeGroup_watchesAFewDevicesAndStoresNoList() {
        Deployment d = deploy("1", "\"all-at-once\"");

        assertThat(d.canaryCount()).isEqualTo(DEVICES);
        assertThat(d.canaryDevices()).hasSize(CanarySelection.WATCHED);
        assertThat(ids).allMatch(d::isCanary);
    }

    private long listed(String collection) {
        return metadata.byCollection().getOrDefault("list " + collection, 0L);
    }

    @Test
    void group_listing_readsTheGroupsIndexNotEveryDevice() {
        long devicesListedBefore = listed("devices");

        assertThat(services.devices().idsInGroup("elsewhere")).containsExactly("other-1");
        assertThat(services.devices().idsInGroup(GROUP)).hasSize(DEVICES);
        assertThat(listed("devices") - devicesListedBefore).isZero();
    }

    @Test
    void group_devicesStoredBeforeTheIndex_areIndexedOnFirstUse() {
        InMemoryMetadataStore old = new InMemoryMetadataStore();
        CloudServices before = CloudServices.create(new InMemoryBlobStore(clock), old, clock, CloudConfig.withApiKeys("fixture-key-0123456789"));
        before.devices().create("cam-a", GROUP);
        before.devices().create("cam-b", "elsewhere");
        old.list("group-members", "").forEach(doc -> old.delete("group-members", doc.key()));
        old.delete("store-migrations", "group-members-v1");

        CloudServices after = CloudServices.create(new InMemoryBlobStore(clock), old, clock, CloudConfig.withApiKeys("fixture-key-0123456789"));

        assertThat(after.devices().idsInGroup(GROUP)).containsExactly("cam-a");
        assertThat(old.list("group-members", "")).hasSize(2);
    }

    @Test
    void statusReport_ofAnUnwatchedCanary_costsTheSameAsInASmallGroup() {
        Deployment d = deploy("1", "{\"type\": \"canary\", \"percent\": 10, \"bakeMinutes\": 30}");
        String unwatched = ids.stream().filter(d::isCanary).filter(id -> !d.canaryDevices().contains(id)).findFirst().orElseThrow();
        long before = metadata.total();

        report(unwatched, serving("1"));

        assertThat(metadata.total() - before).isLessThan(12);
        assertThat(services.deployments().get(d.id()).state()).isEqualTo(DeploymentState.ROLLING_OUT);
    }

    @Test
    void statusReport_ofAnUnwatchedCanaryThatCannotTakeTheVersion_rollsBackAtOnce() {
        deploy("1", "\"all-at-once\"");
        Deployment d = deploy("2", "{\"type\": \"canary\", \"percent\": 10, \"bakeMinutes\": 30}");
        String unwatched = ids.stream().filter(d::isCanary).filter(id -> !d.canaryDevices().contains(id)).findFirst().orElseThrow();

        report(unwatched, new StatusReport(MODEL, "1", "1.29.0", "0.1.0", "serving", clock.instant(), 0, 0, null,
                new LastError("2", "package_signature_invalid", "the signature does not verify", clock.instant())));

        Deployment after = services.deployments().get(d.id());
        assertThat(after.state()).isEqualTo(DeploymentState.ROLLED_BACK);
        assertThat(after.history().get(after.history().size() - 1).reason()).contains(unwatched).contains("package_signature_invalid");
    }

    @Test
    void canary_everyWatchedDeviceServing_movesToBakingOnTheLastOnesReport() {
        Deployment d = deploy("1", "{\"type\": \"canary\", \"percent\": 10, \"bakeMinutes\": 30}");

        d.canaryDevices().forEach(id -> report(id, serving("1")));

        assertThat(services.deployments().get(d.id()).state()).isEqualTo(DeploymentState.BAKING);
    }

    @Test
    void storedDeployment_withoutRank_keepsItsListedCanaries() throws Exception {
        Deployment d = deploy("1", "{\"type\": \"canary\", \"percent\": 10, \"bakeMinutes\": 30}");
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) CloudJson.mapper().readTree(
                backing.get(Deployment.COLLECTION, d.id()).orElseThrow().json());
        json.remove("canaryRank");
        json.remove("canaryCount");
        Deployment old = CloudJson.read(json.toString(), Deployment.class);

        assertThat(old.canaryCount()).isEqualTo(old.canaryDevices().size());
        assertThat(old.canaryDevices()).allMatch(old::isCanary);
        assertThat(ids.stream().filter(old::isCanary)).hasSize(CanarySelection.WATCHED);
    }
}
