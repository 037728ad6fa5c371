package dev.verge.cloud.azure;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.azure.storage.StorageConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The app settings the Azure functions read:
 * <ul>
 * <li>{@code VERGE_STORAGE}: storage connection string (or {@code VERGE_STORAGE__accountName} etc. for a
 *     managed identity); falls back to {@code AzureWebJobsStorage}. The blob trigger names it too.</li>
 * <li>{@code VERGE_MODELS_CONTAINER}: the container that holds the {@code models/...} keys (default
 *     {@code models}); the blob trigger's path is {@code %VERGE_MODELS_CONTAINER%/{name}}.</li>
 * <li>{@code VERGE_TABLE}: the metadata table (default {@code verge}).</li>
 * <li>{@code VERGE_API_KEYS} (comma-separated) or {@code VERGE_API_KEY}: keys the API accepts.</li>
 * <li>{@code VERGE_SIGNING_KEY}: the Ed25519 private key (Base64 PKCS#8 or PEM) that signs packages for
 *     devices; keep it in Key Vault and reference it ({@code @Microsoft.KeyVault(...)}). Without it
 *     deployments are refused (503 {@code signing_key_missing}).</li>
 * <li>Any {@code VERGE_} setting that is still an unresolved {@code @Microsoft.KeyVault(...)} reference stops the
 *     start (see {@link #refuseUnresolvedKeyVaultReferences}).</li>
 * <li>{@code VERGE_PACKAGE_DELIVERY}: {@code redirect} (default here: a read-only SAS URL, since a
 *     function's answer is held in memory whole) or {@code stream}; and the other settings of
 *     {@link CloudConfig#fromEnv}.</li>
 * </ul>
 */
record AzureSettings(StorageConnection storage, String modelsContainer, String table, CloudConfig cloud) {

    static final String STORAGE = "VERGE_STORAGE";
    static final String MODELS_CONTAINER = "VERGE_MODELS_CONTAINER";
    static final String TABLE = "VERGE_TABLE";

    /** What the Functions host passes on when it cannot resolve a Key Vault reference: the reference itself. */
    static final String KEY_VAULT_REFERENCE = "@Microsoft.KeyVault(";

    static AzureSettings from(Map<String, String> env) {
        refuseUnresolvedKeyVaultReferences(env);
        UnaryOperator<String> setting = name -> blankToNull(env.get(name));
        String storageSetting = setting.apply(STORAGE) == null && setting.apply(STORAGE + "__accountName") == null
                && setting.apply(STORAGE + "__blobServiceUri") == null && setting.apply("AzureWebJobsStorage") != null
                ? "AzureWebJobsStorage" : STORAGE;
        StorageConnection storage = StorageConnection.fromSettings(setting, storageSetting);
        Map<String, String> cloudEnv = new HashMap<>(env);
        if (setting.apply("VERGE_API_KEYS") == null && setting.apply("VERGE_API_KEY") != null) {
            cloudEnv.put("VERGE_API_KEYS", env.get("VERGE_API_KEY"));
        }
        cloudEnv.putIfAbsent("VERGE_PACKAGE_DELIVERY", "redirect");
        return new AzureSettings(storage,
                env.getOrDefault(MODELS_CONTAINER, "models").strip(),
                env.getOrDefault(TABLE, "verge").strip(),
                CloudConfig.fromEnv(cloudEnv));
    }

    /**
     * A Key Vault reference the host could not resolve (the secret is missing, or the app's identity may not read
     * it) arrives as its own text; taken for the secret it would become an API key, a webhook secret or a signing key
     * anyone can read in the app's configuration. Refused at start with the settings' names (never their values).
     */
    static void refuseUnresolvedKeyVaultReferences(Map<String, String> env) {
        List<String> unresolved = env.entrySet().stream()
                .filter(e -> e.getKey().startsWith("VERGE_") && e.getValue() != null && e.getValue().strip().startsWith(KEY_VAULT_REFERENCE))
                .map(Map.Entry::getKey).sorted().toList();
        if (!unresolved.isEmpty()) {
            throw new IllegalStateException("expected the Key Vault references of app settings " + unresolved + " to be resolved"
                    + " to their secrets, found the references themselves: check that each secret exists and that the app's"
                    + " identity may read it (Key Vault Secrets User, keyVaultReferenceIdentity); the portal shows the"
                    + " reason under Environment variables > the setting > Key Vault reference status");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
