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
        AzureSettings settings = AzureSettings.from(Map.of("VERGE_STORAGE", DEV, "VERGE_API_KEY", "k1"));

        assertThat(settings.modelsContainer()).isEqualTo("models");
        assertThat(settings.table()).isEqualTo("verge");
        assertThat(settings.storage().accountName()).isEqualTo("devstoreaccount1");
        assertThat(settings.cloud().apiKeys()).containsExactly("k1");
        assertThat(settings.cloud().packageDelivery()).isEqualTo(PackageDelivery.REDIRECT);
    }

    @Test
    void from_apiKeysList_winsOverSingleKeyAndCanRotate() {
        AzureSettings settings = AzureSettings.from(Map.of("VERGE_STORAGE", DEV, "VERGE_API_KEY", "old", "VERGE_API_KEYS", "new1, new2"));

        assertThat(settings.cloud().apiKeys()).containsExactly("new1", "new2");
    }

    @Test
    void from_noVergeStorage_fallsBackToAzureWebJobsStorage() {
        AzureSettings settings = AzureSettings.from(Map.of(
                "AzureWebJobsStorage", "AccountName=jobs;AccountKey=a2V5", "VERGE_API_KEY", "k"));

        assertThat(settings.storage().accountName()).isEqualTo("jobs");
    }

    @Test
    void from_explicitSettings_areUsed() {
        AzureSettings settings = AzureSettings.from(Map.of("VERGE_STORAGE", DEV, "VERGE_API_KEY", "k",
                "VERGE_MODELS_CONTAINER", "vergemodels", "VERGE_TABLE", "vergeprod", "VERGE_PACKAGE_DELIVERY", "stream"));

        assertThat(settings.modelsContainer()).isEqualTo("vergemodels");
        assertThat(settings.table()).isEqualTo("vergeprod");
        assertThat(settings.cloud().packageDelivery()).isEqualTo(PackageDelivery.STREAM);
    }

    @Test
    void from_unresolvedKeyVaultReferences_areRefusedByName_neverTakenForTheSecret() {
        String reference = "@Microsoft.KeyVault(SecretUri=https://verge-prod.vault.azure.net/secrets/verge-signing-key/)";
        assertThatThrownBy(() -> AzureSettings.from(Map.of("VERGE_STORAGE", DEV, "VERGE_API_KEYS", "k1",
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
        AzureSettings settings = AzureSettings.from(Map.of("VERGE_STORAGE", DEV, "VERGE_API_KEYS", "k1",
                "VERGE_WEBHOOK_SECRET_GITHUB", "s3cret@Microsoft.KeyVault(", "APP_NOTE", "@Microsoft.KeyVault(not ours)"));
        assertThat(settings.cloud().apiKeys()).containsExactly("k1");
    }

    @Test
    void from_noApiKey_isRefusedRatherThanOpen() {
        assertThatThrownBy(() -> AzureSettings.from(Map.of("VERGE_STORAGE", DEV)))
                .hasMessageContaining("API key");
    }

    @Test
    void from_noStorage_namesTheSettingToSet() {
        assertThatThrownBy(() -> AzureSettings.from(Map.of("VERGE_API_KEY", "k")))
                .hasMessageContaining("VERGE_STORAGE");
    }

    @Test
    void create_renamedModelsContainer_mapsModelsKeysThere() {
        AzureApp app = AzureApp.create(Map.of("VERGE_STORAGE", DEV, "VERGE_API_KEY", "k", "VERGE_MODELS_CONTAINER", "vergemodels"));

        assertThat(app.blobs().locate("models/fruit/1/package.zip").container()).isEqualTo("vergemodels");
        assertThat(app.modelsContainer()).isEqualTo("vergemodels");
    }
}
