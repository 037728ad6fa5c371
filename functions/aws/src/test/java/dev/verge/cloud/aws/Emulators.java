package dev.verge.cloud.aws;

import static org.awaitility.Awaitility.await;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.Optional;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The real emulators the AWS adapters are tested against, each started once per test JVM on a free
 * port of 127.0.0.1: dynalite (in memory, see {@link Dynalite}) and s3proxy (on jclouds' in-memory blob store).
 * Both are started lazily, the first time a test asks for them, and stopped when the JVM exits.
 */
final class Emulators {

    static final String REGION = "us-east-1";
    static final String ACCESS_KEY = "vergetest";
    static final String SECRET_KEY = "vergetestsecret";
    static final String BUCKET = "verge-models";
    static final String TABLE = "verge";
    static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));

    private Emulators() {}

    static URI s3Endpoint() {
        return S3Emulator.ENDPOINT;
    }

    static URI dynamoEndpoint() {
        return DynamoEmulator.ENDPOINT;
    }

    /** A client of the S3 emulator, with {@link #BUCKET} created. */
    static S3Client s3() {
        return S3Emulator.CLIENT;
    }

    /** A store on {@link #BUCKET} of the S3 emulator. */
    static S3BlobStore blobStore() {
        return new S3BlobStore(S3Emulator.CLIENT, S3Emulator.PRESIGNER, BUCKET);
    }

    /** A client of the DynamoDB emulator, with {@link #TABLE} created. */
    static DynamoDbClient dynamo() {
        return DynamoEmulator.CLIENT;
    }

    /** A new, empty bucket of the S3 emulator, so that a test class sees only its own objects. */
    static String newBucket() {
        String bucket = "verge-" + UUID.randomUUID().toString().substring(0, 8);
        s3().createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    /** A new, empty table of the DynamoDB emulator, so that a test class sees only its own documents. */
    static String newTable() {
        String table = "verge-" + UUID.randomUUID().toString().substring(0, 8);
        DynamoDbMetadataStore.createTable(dynamo(), table);
        return table;
    }

    static S3BlobStore blobStore(String bucket) {
        return new S3BlobStore(S3Emulator.CLIENT, S3Emulator.PRESIGNER, bucket);
    }

    /** Every use case on a new bucket and table of the emulators, with one API key. */
    static CloudServices newServices(String apiKey) {
        return newServices(CloudConfig.withApiKeys(apiKey));
    }

    static CloudServices newServices(CloudConfig config) {
        return CloudServices.create(blobStore(newBucket()), new DynamoDbMetadataStore(dynamo(), newTable()),
                Clock.systemUTC(), config);
    }

    /** The environment a Lambda function gets, pointing at these emulators, {@code bucket} and {@code table}. */
    static Map<String, String> lambdaEnvironment(String bucket, String table, String apiKey) {
        return Map.of(
                AwsSettings.MODELS_BUCKET, bucket,
                AwsSettings.TABLE, table,
                AwsSettings.REGION, REGION,
                AwsSettings.S3_ENDPOINT, s3Endpoint().toString(),
                AwsSettings.DYNAMODB_ENDPOINT, dynamoEndpoint().toString(),
                "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                "VERGE_API_KEYS", apiKey);
    }

    private static final class S3Emulator {
        static final URI ENDPOINT = start();
        static final S3Client CLIENT = AwsClients.s3(REGION, Optional.of(ENDPOINT), CREDENTIALS);
        static final S3Presigner PRESIGNER = AwsClients.s3Presigner(REGION, Optional.of(ENDPOINT), CREDENTIALS);

        static {
            CLIENT.createBucket(b -> b.bucket(BUCKET));
        }

        private static URI start() {
            BlobStoreContext context = ContextBuilder.newBuilder("transient")
                    .credentials("identity", "credential")
                    .overrides(new Properties())
                    .build(BlobStoreContext.class);
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(context.getBlobStore())
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                    .build();
            try {
                proxy.start();
            } catch (Exception e) {
                throw new IllegalStateException("could not start s3proxy", e);
            }
            // in this thread: a lambda of a class still being initialized blocks in any other one
            await("s3proxy started").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).pollInSameThread()
                    .until(() -> "STARTED".equals(proxy.getState()));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    proxy.stop();
                } catch (Exception ignored) {
                    // the JVM is going away anyway
                }
                context.close();
            }));
            return URI.create("http://127.0.0.1:" + proxy.getPort());
        }
    }

    private static final class DynamoEmulator {
        static final URI ENDPOINT = start();
        static final DynamoDbClient CLIENT = AwsClients.dynamo(REGION, Optional.of(ENDPOINT), CREDENTIALS);

        static {
            DynamoDbMetadataStore.createTable(CLIENT, TABLE);
        }

        private static URI start() {
            Dynalite dynalite = Dynalite.start(Path.of(System.getProperty("verge.root", ".")));
            Runtime.getRuntime().addShutdownHook(new Thread(dynalite::close));
            return dynalite.endpoint();
        }
    }
}
