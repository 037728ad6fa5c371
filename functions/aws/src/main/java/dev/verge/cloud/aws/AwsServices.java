package dev.verge.cloud.aws;

import dev.verge.cloud.CloudServices;
import dev.verge.inference.runtime.Onnx;
import java.lang.System.Logger.Level;
import java.time.Clock;

/**
 * The composition root of the Lambda functions: the SDK clients, the two stores and every use
 * case, built once per container in a static initializer. Lambda runs it during the init phase
 * (and SnapStart snapshots the result), so no invocation pays for it.
 */
final class AwsServices {
    private static final System.Logger LOG = System.getLogger(AwsServices.class.getName());

    static final AwsSettings SETTINGS = AwsSettings.fromEnvironment();
    static final CloudServices SERVICES = create(SETTINGS);

    static {
        String initialization = System.getenv().getOrDefault("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        if (!initialization.equals("on-demand")) {
            primeOnnxRuntime();
        }
        // named models only (VERGE_PRELOAD_MODELS): their sessions then come from the init phase or the snapshot
        SERVICES.loadedModels().preload(SETTINGS.cloud().predict().preloadModels());
    }

    private AwsServices() {}

    static CloudServices create(AwsSettings settings) {
        return CloudServices.create(
                new S3BlobStore(AwsClients.s3(settings), AwsClients.s3Presigner(settings), settings.modelsBucket()),
                new DynamoDbMetadataStore(AwsClients.dynamo(settings), settings.table()),
                Clock.systemUTC(),
                settings.cloud());
    }

    /**
     * Loads the ONNX Runtime native library (about a second) before any request, when the init phase
     * runs ahead of traffic: with SnapStart it is then in the snapshot, with provisioned concurrency
     * it is paid before the first request. An on-demand container loads it at the first package
     * validation instead, so requests that need no model never wait for it.
     */
    private static void primeOnnxRuntime() {
        try {
            String version = Onnx.runtimeVersion();
            LOG.log(Level.DEBUG, () -> "ONNX Runtime " + version + " loaded");
        } catch (RuntimeException | LinkageError e) {
            // the API still serves what needs no model; validations will report the failure
            LOG.log(Level.WARNING, "could not load ONNX Runtime at start-up", e);
        }
    }
}
