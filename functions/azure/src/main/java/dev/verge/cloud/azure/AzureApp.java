package dev.verge.cloud.azure;

import dev.verge.cloud.CloudServices;
import dev.verge.cloud.azure.storage.AzureBlobStore;
import dev.verge.cloud.azure.storage.AzureTableMetadataStore;
import java.time.Clock;
import java.util.Map;

/**
 * The composition root on Azure Functions: the cloud services over Azure Blob and Table storage,
 * built from the app settings ({@link AzureSettings}) once per worker, on first use, and shared by
 * every function class. Tests build their own with {@link #create}.
 *
 * @param blobs           the blob store, which events need to turn a container and blob name into a key
 * @param modelsContainer the container the blob trigger watches
 */
public record AzureApp(CloudServices services, AzureBlobStore blobs, String modelsContainer) {

    private static volatile AzureApp shared;

    /** This worker's app, built on the first call (again on the next call if settings made that fail). */
    public static AzureApp get() {
        AzureApp app = shared;
        if (app == null) {
            synchronized (AzureApp.class) {
                if (shared == null) {
                    AzureApp created = create(System.getenv());
                    // named models only (VERGE_PRELOAD_MODELS): the first prediction then finds its session ready
                    created.services().loadedModels().preload(created.services().config().predict().preloadModels());
                    shared = created;
                }
                app = shared;
            }
        }
        return app;
    }

    /** Builds the app from settings: the worker's environment, or a test's map. */
    public static AzureApp create(Map<String, String> env) {
        AzureSettings settings = AzureSettings.from(env);
        AzureBlobStore blobs = new AzureBlobStore(settings.storage(), Map.of("models", settings.modelsContainer()));
        AzureTableMetadataStore metadata = new AzureTableMetadataStore(settings.storage(), settings.table());
        return new AzureApp(CloudServices.create(blobs, metadata, Clock.systemUTC(), settings.cloud()), blobs, settings.modelsContainer());
    }
}
