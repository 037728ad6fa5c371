package dev.verge.cloud.aws;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.registry.RegistryRoutes.PackageDelivery;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the Lambda functions read from their environment, checked once at start-up so that a
 * missing variable fails the cold start with its name rather than a later request.
 *
 * <table>
 *   <caption>Environment variables</caption>
 *   <tr><td>{@code VERGE_MODELS_BUCKET}</td><td>required: the S3 bucket of model packages (and of
 *       the ObjectCreated notifications {@link S3UploadHandler} receives)</td></tr>
 *   <tr><td>{@code VERGE_TABLE}</td><td>required: the DynamoDB table of {@link DynamoDbMetadataStore}
 *       (keys {@code pk}, {@code sk}, both strings)</td></tr>
 *   <tr><td>{@code AWS_REGION}</td><td>set by Lambda: the region of the bucket and the table</td></tr>
 *   <tr><td>{@code VERGE_API_KEYS}</td><td>required unless {@code VERGE_INSECURE_LOCAL=true}: the
 *       registry API keys, comma-separated (two, so one can be rotated). Lambda keeps environment
 *       variables encrypted at rest; the SAM template fills this one from Secrets Manager with a
 *       {@code {{resolve:secretsmanager:...}}} reference, so the function makes no call at cold start</td></tr>
 *   <tr><td>{@code VERGE_PACKAGE_DELIVERY}</td><td>{@code redirect} (the default here: package
 *       downloads are 302s to pre-signed S3 URLs, since a Lambda answer is capped at 6 MB) or
 *       {@code stream}</td></tr>
 *   <tr><td>{@code VERGE_SIGNING_KEY}</td><td>required for deployments: the Ed25519 private key
 *       (Base64 PKCS#8 or PEM) that signs packages for devices; from Secrets Manager like the API keys.
 *       Without it {@code POST /api/deployments} answers 503 {@code signing_key_missing}</td></tr>
 *   <tr><td>{@code VERGE_MAX_PACKAGE_MB}, {@code VERGE_TMPDIR}</td><td>optional: the registry's
 *       package size limit and spool folder (default {@code /tmp})</td></tr>
 *   <tr><td>{@code VERGE_WEBHOOK_SECRET_<SOURCE>}, {@code VERGE_EVENT_RULES}</td><td>optional: webhook
 *       secrets and event mapping rules, for {@code /api/webhooks/...} and {@link EventBridgeHandler}
 *       (see {@code EventsConfig} in functions/core); on AWS give {@code VERGE_EVENT_RULES} a blob rule
 *       whose {@code store} is the models bucket, so that S3 events of other buckets are ignored</td></tr>
 *   <tr><td>{@code VERGE_AWS_ENDPOINT}</td><td>optional: one endpoint for S3 and DynamoDB, for
 *       emulators (LocalStack); S3 is then addressed path-style</td></tr>
 *   <tr><td>{@code VERGE_S3_ENDPOINT}, {@code VERGE_DYNAMODB_ENDPOINT}</td><td>optional: separate
 *       endpoints, when the emulators are separate servers (s3proxy and dynalite); each
 *       overrides {@code VERGE_AWS_ENDPOINT} for its service</td></tr>
 * </table>
 */
public record AwsSettings(String modelsBucket, String table, String region, Optional<URI> s3Endpoint,
                          Optional<URI> dynamoEndpoint, CloudConfig cloud) {

    public static final String MODELS_BUCKET = "VERGE_MODELS_BUCKET";
    public static final String TABLE = "VERGE_TABLE";
    public static final String REGION = "AWS_REGION";
    public static final String ENDPOINT = "VERGE_AWS_ENDPOINT";
    public static final String S3_ENDPOINT = "VERGE_S3_ENDPOINT";
    public static final String DYNAMODB_ENDPOINT = "VERGE_DYNAMODB_ENDPOINT";
    public static final String PACKAGE_DELIVERY = "VERGE_PACKAGE_DELIVERY";

    public static AwsSettings fromEnvironment() {
        return from(System.getenv());
    }

    public static AwsSettings from(Map<String, String> env) {
        List<String> missing = new ArrayList<>();
        for (String name : List.of(MODELS_BUCKET, TABLE, REGION)) {
            if (blank(env.get(name))) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("expected environment variables " + missing + " to be set, found them missing or empty");
        }
        CloudConfig cloud = CloudConfig.fromEnv(env);
        if (blank(env.get(PACKAGE_DELIVERY))) {
            cloud = cloud.withPackageDelivery(PackageDelivery.REDIRECT);
        }
        Optional<URI> shared = uri(env.get(ENDPOINT));
        return new AwsSettings(env.get(MODELS_BUCKET).strip(), env.get(TABLE).strip(), env.get(REGION).strip(),
                uri(env.get(S3_ENDPOINT)).or(() -> shared), uri(env.get(DYNAMODB_ENDPOINT)).or(() -> shared), cloud);
    }

    private static Optional<URI> uri(String value) {
        return blank(value) ? Optional.empty() : Optional.of(URI.create(value.strip()));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
