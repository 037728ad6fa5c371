package dev.verge.cloud.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import dev.verge.cloud.testing.RegistryPackages;
import dev.verge.cloud.testing.TestClock;
import dev.verge.error.VergeException;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

/** Versions published elsewhere (container images, MLflow models): recorded by reference, immutable, never downloaded. */
class ArtifactVersionsTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);
    private final TestClock clock = new TestClock();
    private final InMemoryBlobStore blobs = new InMemoryBlobStore(clock);
    private final ModelRegistry registry = new ModelRegistry(blobs, new InMemoryMetadataStore(), clock, RegistryConfig.defaults());
    private final ArtifactRef image = ArtifactRef.image("vergeacr.azurecr.io/fruit-quality:3", DIGEST);

    @Test
    void registerArtifact_newThenSameAgain_createsOnceWithDigestAsIdentity() {
        Registration first = registry.registerArtifact("fruit-quality", "3", image, PackageSource.registry("acr", "x", "ci"));
        Registration again = registry.registerArtifact("fruit-quality", "3", image, PackageSource.registry("acr", "x", "ci"));

        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(first.version().sha256()).isEqualTo("ab".repeat(32));
        assertThat(first.version().artifact()).isEqualTo(image);
        assertThat(registry.findByArtifactDigest("fruit-quality", DIGEST)).map(ModelVersion::version).hasValue("3");
        assertThat(blobs.list("")).isEmpty();
    }

    @Test
    void registerArtifact_otherDigestUnderRecordedVersion_isConflict() {
        registry.registerArtifact("fruit-quality", "3", image, PackageSource.registry("acr", "x", "ci"));

        assertThatThrownBy(() -> registry.registerArtifact("fruit-quality", "3",
                ArtifactRef.image("vergeacr.azurecr.io/fruit-quality:3", "sha256:" + "cd".repeat(32)), PackageSource.registry("acr", "x", "ci")))
                .isInstanceOf(VersionConflictException.class);
    }

    @Test
    void registerArtifact_versionTakenByPackage_isConflict() {
        registry.register(new ByteArrayInputStream(RegistryPackages.valid("fruit-quality", "3")), "fruit-quality", PackageSource.api("t"));

        assertThatThrownBy(() -> registry.registerArtifact("fruit-quality", "3", image, PackageSource.registry("acr", "x", "ci")))
                .isInstanceOf(VersionConflictException.class);
    }

    @Test
    void download_ofImageVersion_is409SayingWhereToPullFrom() {
        registry.registerArtifact("fruit-quality", "3", image, PackageSource.registry("acr", "x", "ci"));

        assertThatThrownBy(() -> registry.openPackage("fruit-quality", "3"))
                .isInstanceOf(VergeException.class)
                .hasMessageContaining("vergeacr.azurecr.io/fruit-quality:3")
                .satisfies(e -> assertThat(((VergeException) e).code()).isEqualTo("version_not_a_package"));
        assertThatThrownBy(() -> registry.packageUrl("fruit-quality", "3", 60)).isInstanceOf(VergeException.class);
    }

    @Test
    void artifactIdentity_withoutImageDigest_isStableHashOfReference() {
        ArtifactRef hub = ArtifactRef.image("docker.io/acme/fruit-quality:3", null);

        assertThat(hub.identity()).hasSize(64).isEqualTo(ArtifactRef.image("docker.io/acme/fruit-quality:3", " ").identity());
        assertThat(hub.identity()).isNotEqualTo(ArtifactRef.image("docker.io/acme/fruit-quality:4", null).identity());
    }
}
