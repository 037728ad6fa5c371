package dev.verge.cloud.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.devices.DeviceIdentity;
import dev.verge.cloud.devices.StatusReport;
import dev.verge.cloud.devices.StatusReport.LastError;
import dev.verge.cloud.devices.StatusReport.Latency;
import dev.verge.cloud.registry.PackageSource;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import dev.verge.cloud.testing.RegistryPackages;
import dev.verge.cloud.testing.TestClock;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;

/** Cloud services over in-memory stores and a hand-moved clock, with helpers to act as devices. */
final class RolloutFixture {
    static final String MODEL = "fruit";
    static final PackageSigner SIGNER = PackageSigner.generate();

    final TestClock clock = new TestClock();
    final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    final InMemoryBlobStore blobs = new InMemoryBlobStore(clock);
    final CloudServices services = CloudServices.create(blobs, metadata, clock,
            CloudConfig.withApiKeys("fixture-key-0123456789").withSigningKey(SIGNER.privateKeyBase64()));

    void register(String version) {
        register(MODEL, version);
    }

    void register(String model, String version) {
        services.registry().register(new ByteArrayInputStream(RegistryPackages.valid(model, version)), model, PackageSource.api("test"));
    }

    /** Creates devices in {@code group}. */
    void devices(String group, String... ids) {
        for (String id : ids) {
            services.devices().create(id, group);
        }
    }

    Deployment deploy(String group, String version, String strategyJson, HealthRules health) {
        return deploy(group, MODEL, version, strategyJson, health);
    }

    Deployment deploy(String group, String model, String version, String strategyJson, HealthRules health) {
        return services.deployments().create(new DeploymentRequest(group, model, version, json(strategyJson), health, null, null),
                "test").deployment();
    }

    /** Deploys {@code version} all-at-once and has every device take it, so it becomes the group's last good version. */
    Deployment promoted(String group, String version, String... ids) {
        Deployment d = deploy(group, version, "\"all-at-once\"", HealthRules.none());
        for (String id : ids) {
            report(id, serving(version, 0, 0, null));
        }
        return services.deployments().get(d.id());
    }

    DesiredState desired(String id) {
        return services.deviceSync().desired(device(id));
    }

    void report(String id, StatusReport report) {
        services.deviceSync().report(device(id), report);
        clock.advance(Duration.ofSeconds(1));
    }

    DeviceIdentity device(String id) {
        return new DeviceIdentity(id, services.devices().require(id).group());
    }

    StatusReport serving(String version, long requests, long errors, Double p95) {
        return new StatusReport(MODEL, version, "1.29.0", "0.1.0", "serving", clock.instant(), requests, errors,
                p95 == null ? null : new Latency(p95 / 2, p95, p95 * 1.5), null);
    }

    StatusReport failed(String runningVersion, String failedVersion, String code) {
        return new StatusReport(MODEL, runningVersion, "1.29.0", "0.1.0", "serving", clock.instant(), 0, 0, null,
                new LastError(failedVersion, code, "the signature does not verify with the trusted key", clock.instant()));
    }

    static JsonNode json(String text) {
        try {
            return CloudJson.mapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    Instant now() {
        return clock.instant();
    }
}
