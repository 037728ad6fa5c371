package dev.verge.cloud.aws;

import dev.verge.cloud.CloudServices;
import java.time.Clock;

/**
 * The composition root of the Lambda functions: the SDK clients, the two stores and every use
 * case, built once per container in a static initializer. Lambda runs it during the init phase
 * (and SnapStart snapshots the result), so no invocation pays for it.
 */
final class AwsServices {

    static final AwsSettings SETTINGS = AwsSettings.fromEnvironment();
    static final CloudServices SERVICES = create(SETTINGS);

    private AwsServices() {}

    static CloudServices create(AwsSettings settings) {
        return CloudServices.create(
                new S3BlobStore(AwsClients.s3(settings), AwsClients.s3Presigner(settings), settings.modelsBucket()),
                new DynamoDbMetadataStore(AwsClients.dynamo(settings), settings.table()),
                Clock.systemUTC(),
                settings.cloud());
    }
}
