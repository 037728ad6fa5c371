package dev.verge.cloud.azure;

import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.DeviceRightsContract;
import dev.verge.cloud.azure.storage.Azurite;
import dev.verge.cloud.rollout.PackageSigner;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/**
 * The device authorization matrix through {@link ApiFunction}, over Azure Blob and Table storage
 * in Azurite, with the signing key from the {@code VERGE_SIGNING_KEY} app setting; devices get
 * read-only SAS package URLs.
 */
class AzureDeviceRightsTest extends DeviceRightsContract {
    private static final String KEY = "azure-rights-key-0123456789abcdef";
    private static AzureCloudApiTest.Adapter adapter;

    @BeforeAll
    static void start() {
        AzureApp app = AzureApp.create(Map.of(
                "VERGE_STORAGE", Azurite.shared().connectionString(),
                "VERGE_TABLE", "rightscontract",
                "VERGE_API_KEY", KEY,
                "VERGE_SIGNING_KEY", PackageSigner.generate().privateKeyBase64()));
        adapter = new AzureCloudApiTest.Adapter(new ApiFunction(() -> app));
    }

    @Override
    protected ApiResponse send(ApiRequest request) {
        return adapter.send(request);
    }

    @Override
    protected String apiKey() {
        return KEY;
    }
}
