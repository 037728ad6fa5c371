package dev.verge.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.cloud.registry.RegistryRoutes.PackageDelivery;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsSettingsTest {

    private static Map<String, String> required() {
        Map<String, String> env = new HashMap<>();
        env.put("VERGE_MODELS_BUCKET", "models-bucket");
        env.put("VERGE_TABLE", "verge");
        env.put("AWS_REGION", "eu-west-1");
        env.put("VERGE_API_KEYS", "key-one-0123456789,key-two-0123456789");
        return env;
    }

    @Test
    void from_requiredVariables_readsThemWithRedirectDeliveryAndNoEndpoints() {
        AwsSettings settings = AwsSettings.from(required());

        assertThat(settings.modelsBucket()).isEqualTo("models-bucket");
        assertThat(settings.table()).isEqualTo("verge");
        assertThat(settings.region()).isEqualTo("eu-west-1");
        assertThat(settings.s3Endpoint()).isEmpty();
        assertThat(settings.dynamoEndpoint()).isEmpty();
        assertThat(settings.cloud().apiKeys()).containsExactly("key-one-0123456789", "key-two-0123456789");
        assertThat(settings.cloud().packageDelivery()).isEqualTo(PackageDelivery.REDIRECT);
    }

    @Test
    void from_missingVariables_namesEveryOne() {
        Map<String, String> env = required();
        env.remove("VERGE_TABLE");
        env.put("VERGE_MODELS_BUCKET", " ");

        assertThatThrownBy(() -> AwsSettings.from(env))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("VERGE_MODELS_BUCKET")
                .hasMessageContaining("VERGE_TABLE")
                .hasMessageNotContaining("AWS_REGION");
    }

    @Test
    void from_noApiKeys_isRefused() {
        Map<String, String> env = required();
        env.remove("VERGE_API_KEYS");

        assertThatThrownBy(() -> AwsSettings.from(env)).hasMessageContaining("VERGE_API_KEYS");
    }

    @Test
    void from_sharedAndServiceEndpoints_serviceEndpointWins() {
        Map<String, String> env = required();
        env.put("VERGE_AWS_ENDPOINT", "http://127.0.0.1:4566");
        env.put("VERGE_DYNAMODB_ENDPOINT", "http://127.0.0.1:8000");
        env.put("VERGE_PACKAGE_DELIVERY", "stream");

        AwsSettings settings = AwsSettings.from(env);

        assertThat(settings.s3Endpoint()).contains(URI.create("http://127.0.0.1:4566"));
        assertThat(settings.dynamoEndpoint()).contains(URI.create("http://127.0.0.1:8000"));
        assertThat(settings.cloud().packageDelivery()).isEqualTo(PackageDelivery.STREAM);
    }
}
