package dev.verge.cloud.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.cloud.registry.ModelRegistry;
import dev.verge.cloud.registry.PackageSource;
import dev.verge.cloud.registry.RegistryConfig;
import dev.verge.cloud.registry.Stage;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import dev.verge.cloud.testing.RegistryPackages;
import dev.verge.cloud.testing.TestClock;
import dev.verge.error.VergeException;
import dev.verge.inference.image.ImageLimits;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.ModelSlot;
import dev.verge.inference.runtime.ThreadSettings;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class LoadedModelsTest {
    private static final String NAME = "fruit";

    @TempDir
    Path temp;

    private final TestClock clock = new TestClock();
    private InMemoryBlobStore blobs;
    private ModelRegistry registry;
    private LoadedModels models;

    @BeforeEach
    void setUp() {
        blobs = new InMemoryBlobStore(clock);
        registry = new ModelRegistry(blobs, new InMemoryMetadataStore(), clock,
                RegistryConfig.defaults().withTempDir(temp.resolve("spool")));
        models = new LoadedModels(registry, new PredictConfig(ImageLimits.defaults(), new ThreadSettings(1, 1), 2,
                Duration.ofSeconds(10), java.util.List.of()), temp.resolve("predict"), clock);
    }

    @AfterEach
    void tearDown() {
        models.close();
    }

    private void register(String version) {
        registry.register(new ByteArrayInputStream(RegistryPackages.valid(NAME, version)), NAME, PackageSource.api("t"));
    }

    private String servedVersion(Optional<String> version) {
        try (ModelSlot.Lease lease = models.acquire(NAME, version)) {
            return lease.model().info().version();
        }
    }

    @Test
    void acquire_sameVersionTwice_loadsOnce() {
        register("1");

        Model first;
        try (ModelSlot.Lease lease = models.acquire(NAME, Optional.of("1"))) {
            first = lease.model();
        }
        try (ModelSlot.Lease lease = models.acquire(NAME, Optional.of("1"))) {
            assertThat(lease.model()).isSameAs(first);
        }
    }

    @Test
    void acquire_newProductionVersion_servedAfterRecheckTime() {
        register("1");
        register("2");
        registry.changeStage(NAME, "1", Stage.PRODUCTION, "t", null);
        assertThat(servedVersion(Optional.empty())).isEqualTo("1");

        registry.changeStage(NAME, "2", Stage.PRODUCTION, "t", null);
        assertThat(servedVersion(Optional.empty())).as("within the recheck time").isEqualTo("1");
        clock.advance(Duration.ofSeconds(11));

        assertThat(servedVersion(Optional.empty())).isEqualTo("2");
    }

    @Test
    void acquire_moreVersionsThanLimit_closesLeastRecentlyUsedAfterItsRequestsEnd() {
        register("1");
        register("2");
        register("3");
        ModelSlot.Lease held = models.acquire(NAME, Optional.of("1"));
        Model heldModel = held.model();
        servedVersion(Optional.of("2"));

        servedVersion(Optional.of("3"));

        assertThat(models.loadedKeys()).containsExactly("fruit@2", "fruit@3");
        assertThat(heldModel.isClosed()).as("still in use").isFalse();
        held.close();
        assertThat(heldModel.isClosed()).isTrue();
    }

    @Test
    void acquire_packageChangedInBlobStore_refusesAndLoadsNothing() {
        register("1");
        String key = ModelRegistry.packageKey(NAME, "1");
        byte[] other = RegistryPackages.validVariant(NAME, "1");
        blobs.put(key, new ByteArrayInputStream(other), other.length, "application/zip");

        assertThatThrownBy(() -> models.acquire(NAME, Optional.of("1")))
                .isInstanceOf(VergeException.class)
                .hasMessageContaining("the stored package was changed");
        assertThat(models.loadedKeys()).isEmpty();
    }

    @Test
    void preload_productionVersionAndUnknownModel_loadsOneAndDoesNotThrow() {
        register("1");
        registry.changeStage(NAME, "1", Stage.PRODUCTION, "t", null);

        models.preload(java.util.List.of(NAME, "no-such-model"));

        assertThat(models.loadedKeys()).containsExactly("fruit@1");
    }

    @Test
    void acquire_noProductionVersion_saysHowToPromote() {
        register("1");

        assertThatThrownBy(() -> models.acquire(NAME, Optional.empty()))
                .isInstanceOf(VergeException.class)
                .hasMessageContaining("has no version in production");
    }
}
