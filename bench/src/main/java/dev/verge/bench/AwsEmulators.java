package dev.verge.bench;

import dev.verge.cloud.aws.AwsClients;
import dev.verge.cloud.aws.DynamoDbMetadataStore;
import dev.verge.cloud.aws.Dynalite;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * s3proxy (jclouds' in-memory store) and dynalite (in memory, installed under the repository's
 * .cache/npm) on 127.0.0.1, as functions/aws's tests run them, with one bucket and one table: what the
 * AWS handler talks to in the benchmark.
 */
final class AwsEmulators implements AutoCloseable {
    static final String REGION = "us-east-1";
    static final String ACCESS_KEY = "vergebench";
    static final String SECRET_KEY = "vergebenchsecret";
    static final String BUCKET = "verge-bench";
    static final String TABLE = "verge";

    private final BlobStoreContext blobs;
    private final S3Proxy s3;
    private final Dynalite dynamo;
    final URI s3Endpoint;
    final URI dynamoEndpoint;

    AwsEmulators(Path root) throws Exception {
        blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                .overrides(new Properties()).build(BlobStoreContext.class);
        s3 = S3Proxy.builder().blobStore(blobs.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY).build();
        s3.start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!"STARTED".equals(s3.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("s3proxy did not start within 60 s: " + s3.getState());
            }
            Thread.sleep(10);
        }
        s3Endpoint = URI.create("http://127.0.0.1:" + s3.getPort());
        blobs.getBlobStore().createContainerInLocation(null, BUCKET);

        dynamo = Dynalite.start(root);
        dynamoEndpoint = dynamo.endpoint();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
        try (var client = AwsClients.dynamo(REGION, Optional.of(dynamoEndpoint), credentials)) {
            DynamoDbMetadataStore.createTable(client, TABLE);
        }
    }

    /** The environment of a Lambda function pointed at these emulators. */
    Map<String, String> lambdaEnvironment(String apiKey) {
        return Map.of(
                "VERGE_MODELS_BUCKET", BUCKET,
                "VERGE_TABLE", TABLE,
                "AWS_REGION", REGION,
                "VERGE_S3_ENDPOINT", s3Endpoint.toString(),
                "VERGE_DYNAMODB_ENDPOINT", dynamoEndpoint.toString(),
                "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                "VERGE_API_KEYS", apiKey);
    }

    @Override
    public void close() throws Exception {
        dynamo.close();
        s3.stop();
        blobs.close();
    }
}
