package dev.verge.cloud.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.cloud.registry.RegistryRoutes.PackageDelivery;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AzureSettingsTest {

    private static final String DEV = "UseDevelopmentStorage=true";

    @Test
    void from_minimalSettings_usesDefaultsAndRedirectsDownloads() {
        AzureSettings settings = AzureSettings.from(Map.of("VERGE_STORAGE", DEV, "VERGE_API_KEY", "key-one-0123456789"));

        assertThat(settings.modelsContainer()).isEqualTo("models");
        assertThat(settings.table()).isEqualTo("verge");
        assertThat(settings.storage().accountName()).isEqualTo("devstoreaccount1");
        assertThat(settings.cloud().apiKeys()).containsExactly("key-one-0123456789");
        assertThat(settings.cloud().packageDelivery()).isEqualTo(PackageDelivery.REDIRECT);
    }

    @Test
    void from_apiKeysList_winsOverSingleKeyAndCanRotate() {
        AzureSettings settings = AzureSettings.from(Map.of("VERGE_STORAGE", DEV, "VERGE_API_KEY", "old-key-0123456789", "VERGE_API_KEYS", "new-key-1-0123456789, new-key-2-0123456789"));

        assertThat(settings.cloud().apiKeys()).containsExactly("new-key-1-0123456789", "new-key-2-0123456789");
    }

    @Test
    void from_noVergeStorage_fallsBackToAzureWebJobsStorage() {
        AzureSettings settings = AzureSettings.from(Map.of(
                "AzureWebJobsStorage", "AccountName=jobs;AccountKey=a2V5", "VERGE_API_KEY", "key-0123456789abcdef"));

        assertThat(settings.storage().accountName()).isEqualTo("jobs");
    }

    @Test
    void from_explicitSettings_areUsed() {
        AzureSettings settings = AzureSettings.from(Map.of("VERGE_STORAGE", DEV, "VERGE_API_KEY", "key-0123456789abcdef",
                "VERGE_MODELS_CONTAINER", "vergemodels", "VERGE_TABLE", "vergeprod", "VERGE_PACKAGE_DELIVERY", "stream"));

        assertThat(settings.modelsContainer()).isEqualTo("vergemodels");
        assertThat(settings.table()).isEqualTo("vergeprod");
        assertThat(settings.cloud().packageDelivery()).isEqualTo(PackageDelivery.STREAM);
    }

    @Test
    void from_unresolvedKeyVaultReferences_areRefusedByName_neverTakenForTheSecret() {
        String reference = "@Microsoft.KeyVault(SecretUri=https://verge-prod.vault.azure.net/secrets/verge-signing-key/)";
        assertThatThrownBy(() -> AzureSettings.from(Map.of("VERGE_STORAGE", DEV, "VERGE_API_KEYS", "key-one-0123456789",
                "VERGE_SIGNING_KEY", reference, "VERGE_WEBHOOK_SECRET_GITHUB", " " + reference)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[VERGE_SIGNING_KEY, VERGE_WEBHOOK_SECRET_GITHUB]")
                .hasMessageContaining("Key Vault")
                .hasMessageNotContaining("verge-prod.vault.azure.net");
        assertThatThrownBy(() -> AzureSettings.from(Map.of("VERGE_STORAGE", DEV, "VERGE_API_KEYS", reference)))
                .hasMessageContaining("VERGE_API_KEYS");
    }

    @Test
    void from_resolvedSecrets_andOtherSettingsMentioningKeyVault_areAccepted() {
        AzureSettings settings = AzureSettings.from(Map.of("VERGE_STORAGE", DEV, "VERGE_API_KEYS", "key-one-0123456789",
                "VERGE_WEBHOOK_SECRET_GITHUB", "s3cret@Microsoft.KeyVault(", "APP_NOTE", "@Microsoft.KeyVault(not ours)"));
        assertThat(settings.cloud().apiKeys()).containsExactly("key-one-0123456789");
    }

    @Test
    void from_noApiKey_isRefusedRatherThanOpen() {
        assertThatThrownBy(() -> AzureSettings.from(Map.of("VERGE_STORAGE", DEV)))
                .hasMessageContaining("API key");
    }

    @Test
    void from_noStorage_namesTheSettingToSet() {
        assertThatThrownBy(() -> AzureSettings.from(Map.of("VERGE_API_KEY", "key-0123456789abcdef")))
                .hasMessageContaining("VERGE_STORAGE");
    }

    @Test
    void create_renamedModelsContainer_mapsModelsKeysThere() {
        AzureApp app = AzureApp.create(Map.of("VERGE_STORAGE", DEV, "VERGE_API_KEY", "key-0123456789abcdef", "VERGE_MODELS_CONTAINER", "vergemodels"));

        assertThat(app.blobs().locate("models/fruit/1/package.zip").container()).isEqualTo("vergemodels");
        assertThat(app.modelsContainer()).isEqualTo("vergemodels");
    }
}
