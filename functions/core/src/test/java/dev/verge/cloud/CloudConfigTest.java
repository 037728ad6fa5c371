package dev.verge.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.cloud.registry.RegistryRoutes.PackageDelivery;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloudConfigTest {

    @Test
    void fromEnv_readsKeysLimitsAndDelivery() {
        CloudConfig config = CloudConfig.fromEnv(Map.of(
                "VERGE_API_KEYS", " primary-key-0123456789 , secondary-key-0123456789 ,",
                "VERGE_MAX_PACKAGE_MB", "64",
                "VERGE_TMPDIR", "/tmp/verge",
                "VERGE_PACKAGE_DELIVERY", "redirect"));

        assertThat(config.apiKeys()).containsExactly("primary-key-0123456789", "secondary-key-0123456789");
        assertThat(config.insecureLocal()).isFalse();
        assertThat(config.registry().maxPackageBytes()).isEqualTo(64L << 20);
        assertThat(config.registry().tempDir()).isEqualTo(Path.of("/tmp/verge"));
        assertThat(config.packageDelivery()).isEqualTo(PackageDelivery.REDIRECT);
        assertThat(config.toString()).doesNotContain("primary-key");
    }

    @Test
    void fromEnv_neitherKeysNorInsecureFlag_refusesToBuild() {
        assertThatThrownBy(() -> CloudConfig.fromEnv(Map.of())).hasMessageContaining("API key");
        assertThat(CloudConfig.fromEnv(Map.of("VERGE_INSECURE_LOCAL", "true")).insecureLocal()).isTrue();
    }

    @Test
    void keysAndInsecureFlagTogether_areRefused() {
        assertThatThrownBy(() -> CloudConfig.fromEnv(Map.of("VERGE_API_KEYS", "key-0123456789abcdef", "VERGE_INSECURE_LOCAL", "true")))
                .hasMessageContaining("both");
    }

    @Test
    void devicePollSeconds_defaultsTo30_keptByWithers_belowOneRefused() {
        CloudConfig config = CloudConfig.withApiKeys("k");
        assertThat(config.devicePollSeconds()).isEqualTo(30);

        CloudConfig fast = config.withDevicePollSeconds(1).withSigningKey("key").withPackageDelivery(PackageDelivery.REDIRECT);

        assertThat(fast.devicePollSeconds()).isEqualTo(1);
        assertThatThrownBy(() -> config.withDevicePollSeconds(0)).hasMessageContaining("1 second or more");
    }

    @Test
    void fromEnv_apiKeyShorterThan16Characters_isRefusedWithoutNamingIt() {
        assertThatThrownBy(() -> CloudConfig.fromEnv(Map.of("VERGE_API_KEYS", "key-0123456789abcdef,s3cret")))
                .hasMessageContaining("API key 2 has 6 characters").hasMessageContaining("at least 16")
                .hasMessageNotContaining("s3cret");
    }
}
