package dev.verge.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.aws.ApiGatewayProxyEvents.PayloadFormat;
import dev.verge.cloud.aws.LocalRuntimeApi.Outcome;
import dev.verge.cloud.events.EventFixtures;
import dev.verge.cloud.port.BlobInfo;
import dev.verge.cloud.registry.PackageSource;
import dev.verge.cloud.registry.VersionStatus;
import dev.verge.demo.DemoModels;
import dev.verge.inference.pkg.PackageSignature;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment jar as Lambda runs it: a fresh JVM running the runtime interface client with the
 * handler and the environment that infra/aws/template.yaml gives the function (as {@code sam local invoke}
 * would, its resources replaced by the emulators' bucket and table and a test key), against a local
 * Runtime API. Prints how long a fresh JVM takes until its first event is answered (no assertion on time).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LambdaRuntimeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "runtime-it-key-0123456789";
    private static final String WEBHOOK_SECRET = "runtime-it-webhook-0123456789";
    private final KeyPair signingKey = PackageSignature.generateKeyPair();

    @TempDir
    Path tmp;

    private String bucket;
    private String table;
    private CloudServices services;
    private LocalRuntimeApi runtimeApi;
    private Process function;

    @BeforeEach
    void setUp() throws IOException {
        bucket = Emulators.newBucket();
        table = Emulators.newTable();
        services = CloudServices.create(Emulators.blobStore(bucket), new DynamoDbMetadataStore(Emulators.dynamo(), table),
                Clock.systemUTC(), CloudConfig.withApiKeys(KEY));
        runtimeApi = new LocalRuntimeApi();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (function != null) {
            function.destroy();
            if (!function.waitFor(20, TimeUnit.SECONDS)) {
                function.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
        runtimeApi.close();
    }

    /** Starts the template's function as Lambda's java21 runtime would; returns System.nanoTime() just before. */
    private long startFunction(String logicalId, String initializationType) throws IOException, URISyntaxException {
        Map<String, String> locals = new HashMap<>(Map.of("ModelsBucket", bucket, "MetadataTable", table, "ApiKeysSecret", KEY,
                "SigningKeySecret", PackageSignature.encode(signingKey.getPrivate()),
                "AWS::AccountId", "000000000000", "AWS::Region", "us-east-1"));
        for (String source : List.of("Acr", "DockerHub", "HuggingFace", "Mlflow", "GitHub", "Generic")) {
            locals.put("WebhookSecret" + source, WEBHOOK_SECRET);
        }
        SamFunction template = SamFunction.load(logicalId, locals);
        String handler = template.handler();
        Path jar = Path.of(System.getProperty("verge.aws.lambdaJar", "target/verge-functions-aws.jar"));
        assertThat(jar).as("the shaded jar is built in the package phase").exists();
        String classPath = String.join(File.pathSeparator, jar.toString(), jarOf(AWSLambda.class), jarOf(PojoSerializer.class));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // the flags Lambda's java21 runtime starts with
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx512m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp", classPath,
                AWSLambda.class.getName(), handler));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("function.log").toFile());
        // what Lambda sets, and where the emulators are: the rest comes from the template
        Map<String, String> emulators = Emulators.lambdaEnvironment(bucket, table, KEY);
        for (String name : List.of(AwsSettings.REGION, AwsSettings.S3_ENDPOINT, AwsSettings.DYNAMODB_ENDPOINT)) {
            builder.environment().put(name, emulators.get(name));
        }
        builder.environment().keySet().removeIf(name -> name.startsWith("AWS_ACCESS_KEY") || name.startsWith("AWS_SECRET")
                || name.startsWith("AWS_SESSION") || name.startsWith("AWS_CONTAINER"));
        if (initializationType.equals("snap-start")) {
            // SnapStart functions get no key variables: their credentials come from the container endpoint
            String token = "container-token-" + System.nanoTime();
            builder.environment().put("AWS_CONTAINER_CREDENTIALS_FULL_URI", runtimeApi.serveContainerCredentials(
                    emulators.get("AWS_ACCESS_KEY_ID"), emulators.get("AWS_SECRET_ACCESS_KEY"), token));
            builder.environment().put("AWS_CONTAINER_AUTHORIZATION_TOKEN", token);
        } else {
            builder.environment().put("AWS_ACCESS_KEY_ID", emulators.get("AWS_ACCESS_KEY_ID"));
            builder.environment().put("AWS_SECRET_ACCESS_KEY", emulators.get("AWS_SECRET_ACCESS_KEY"));
        }
        builder.environment().putAll(template.environment());
        builder.environment().putAll(Map.of(
                "AWS_LAMBDA_RUNTIME_API", runtimeApi.address(),
                "AWS_LAMBDA_FUNCTION_NAME", "verge-test",
                "AWS_LAMBDA_FUNCTION_VERSION", "$LATEST",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024",
                "AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/verge-test",
                "AWS_LAMBDA_LOG_STREAM_NAME", "local",
                "_HANDLER", handler,
                "AWS_LAMBDA_INITIALIZATION_TYPE", initializationType,
                "TZ", ":UTC"));
        long start = System.nanoTime();
        function = builder.start();
        return start;
    }

    private static String jarOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private Outcome await(CompletableFuture<Outcome> outcome) throws Exception {
        try {
            return outcome.get(3, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new AssertionError("the function did not answer; its log:\n" + Files.readString(tmp.resolve("function.log")), e);
        }
    }

    private static void printColdStart(String handler, String initializationType, long start, long firstPoll, Outcome first) {
        System.out.printf("cold start %s (%s init): fresh JVM to first poll (init done) %d ms, to first event answered %d ms%n",
                handler, initializationType, (firstPoll - start) / 1_000_000, (first.nanoTime() - start) / 1_000_000);
    }

    private BlobInfo putPackage(String key, String version) throws IOException {
        Path zip = DemoModels.zip(DemoModels.fruitQuality(tmp.resolve("v" + version), version), tmp.resolve(version + ".zip"));
        try (InputStream in = Files.newInputStream(zip)) {
            return services.blobs().put(key, in, Files.size(zip), "application/zip");
        }
    }

    private byte[] s3Event(String key, BlobInfo blob) throws IOException {
        ObjectNode event = (ObjectNode) S3NotificationTest.fixture("s3-object-created.json");
        ObjectNode s3 = (ObjectNode) event.withArray("Records").get(0).get("s3");
        s3.withObject("bucket").put("name", bucket);
        s3.withObject("object").put("key", key).put("size", blob.size()).put("eTag", blob.etag());
        return JSON.writeValueAsBytes(event);
    }

    @Test
    void s3UploadFunction_ofTheTemplate_underRuntimeClient_registersUploadedPackage() throws Exception {
        BlobInfo blob = putPackage("models/fruit-quality/1/package.zip", "1");
        var first = runtimeApi.invoke(s3Event("models/fruit-quality/1/package.zip", blob));
        var redelivered = runtimeApi.invoke(s3Event("models/fruit-quality/1/package.zip", blob));
        var testEvent = runtimeApi.invoke(S3NotificationTest.class.getResourceAsStream("/events/s3-test-event.json").readAllBytes());
        var garbage = runtimeApi.invoke("{\"Records\": [{\"eventName\": 42}]}".getBytes());

        // as with SnapStart: the init phase also loads ONNX Runtime, and credentials come from the container endpoint
        long start = startFunction("S3UploadFunction", "snap-start");
        Outcome answered = await(first);
        printColdStart("S3UploadFunction", "snap-start", start, runtimeApi.firstPoll().get(), answered);

        assertThat(answered.error()).as(answered.body()).isFalse();
        assertThat(JSON.readTree(answered.body()).at("/records/0/result").asText()).isEqualTo("REGISTERED");
        assertThat(services.registry().get("fruit-quality", "1").status()).isEqualTo(VersionStatus.REGISTERED);
        assertThat(JSON.readTree(await(redelivered).body()).at("/records/0/result").asText()).isEqualTo("ALREADY_REGISTERED");
        assertThat(JSON.readTree(await(testEvent).body()).get("testEvent").asBoolean()).isTrue();
        Outcome bad = await(garbage);
        assertThat(bad.error()).as(bad.body()).isFalse();
        assertThat(JSON.readTree(bad.body()).at("/records/0/result").asText()).isEqualTo("SKIPPED");
    }

    @Test
    void apiFunction_ofTheTemplate_underRuntimeClient_answersBothPayloadFormats() throws Exception {
        BlobInfo blob = putPackage("models/fruit-quality/2/package.zip", "2");
        services.registry().onPackageUploaded(blob.key(), blob.etag(), blob.size(), PackageSource.bucket(bucket, "it"));
        ApiRequest get = ApiRequest.of("GET", "/api/models/fruit-quality/versions/2", Map.of("x-api-key", List.of(KEY)), null);
        var v2 = runtimeApi.invoke(ApiGatewayProxyEvents.event(PayloadFormat.HTTP_V2, get));
        var v1 = runtimeApi.invoke(ApiGatewayProxyEvents.event(PayloadFormat.REST_V1,
                ApiRequest.of("GET", "/api/models/fruit-quality/versions/2", Map.of("x-api-key", List.of(KEY)), null)));
        var noKey = runtimeApi.invoke(ApiGatewayProxyEvents.event(PayloadFormat.HTTP_V2,
                ApiRequest.of("GET", "/api/models", Map.of(), null)));
        var signingKeyAnswer = runtimeApi.invoke(ApiGatewayProxyEvents.event(PayloadFormat.HTTP_V2,
                ApiRequest.of("GET", "/api/signing-key", Map.of(), null)));

        long start = startFunction("ApiFunction", "on-demand");
        Outcome answered = await(v2);
        printColdStart("ApiFunction", "on-demand", start, runtimeApi.firstPoll().get(), answered);

        ApiResponse response = ApiGatewayProxyEvents.response(answered.body().getBytes());
        assertThat(response.status()).as(answered.body()).isEqualTo(200);
        JsonNode version = JSON.readTree(response.bodyBytes());
        assertThat(version.get("status").asText()).isEqualTo("registered");
        assertThat(ApiGatewayProxyEvents.response(await(v1).body().getBytes()).status()).isEqualTo(200);
        assertThat(ApiGatewayProxyEvents.response(await(noKey).body().getBytes()).status()).isEqualTo(401);
        // VERGE_SIGNING_KEY of the template (its secret's stand-in here) signs for devices: agents trust its public half
        ApiResponse signing = ApiGatewayProxyEvents.response(await(signingKeyAnswer).body().getBytes());
        assertThat(signing.status()).isEqualTo(200);
        assertThat(JSON.readTree(signing.bodyBytes()).get("publicKey").asText()).isEqualTo(PackageSignature.encode(signingKey.getPublic()));
    }

    @Test
    void eventBridgeFunction_ofTheTemplate_underRuntimeClient_registersAnEcrPushOnce() throws Exception {
        String model = "m-" + System.nanoTime();
        String digest = "sha256:" + "ab".repeat(32);
        ObjectNode push = EventFixtures.object("eventbridge-ecr-image-push.json").put("id", "it-" + System.nanoTime());
        ((ObjectNode) push.get("detail")).put("repository-name", "verge/" + model).put("image-digest", digest);
        var first = runtimeApi.invoke(JSON.writeValueAsBytes(push));
        var redelivered = runtimeApi.invoke(JSON.writeValueAsBytes(push));

        long start = startFunction("EventBridgeFunction", "snap-start");
        Outcome answered = await(first);
        printColdStart("EventBridgeFunction", "snap-start", start, runtimeApi.firstPoll().get(), answered);

        assertThat(answered.error()).as(answered.body()).isFalse();
        assertThat(JSON.readTree(answered.body()).at("/answer/outcome").asText()).as(answered.body()).isEqualTo("registered");
        assertThat(services.registry().get(model, "3").artifact().digest()).isEqualTo(digest);
        assertThat(JSON.readTree(await(redelivered).body()).at("/answer/duplicate").asBoolean()).isTrue();
    }

    @Test
    void rolloutTickFunction_ofTheTemplate_underRuntimeClient_evaluatesOnTheScheduledEvent() throws Exception {
        var tick = runtimeApi.invoke(S3NotificationTest.class.getResourceAsStream("/events/eventbridge-scheduled.json").readAllBytes());

        long start = startFunction("RolloutTickFunction", "snap-start");
        Outcome answered = await(tick);
        printColdStart("RolloutTickFunction", "snap-start", start, runtimeApi.firstPoll().get(), answered);

        assertThat(answered.error()).as(answered.body()).isFalse();
        assertThat(JSON.readTree(answered.body()).get("evaluated").asInt()).as("no deployment in a new table").isZero();
    }
}
