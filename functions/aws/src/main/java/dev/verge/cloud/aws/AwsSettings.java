package dev.verge.cloud.aws;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the Lambda functions read from their environment, checked once at start-up so a missing
 * variable fails the cold start with its name rather than a later request.
 *
 * <ul>
 *   <li>{@code VERGE_MODELS_BUCKET} (required): the S3 bucket holding model packages.
 *   <li>{@code VERGE_TABLE} (required): the DynamoDB table of {@link DynamoDbMetadataStore}.
 *   <li>{@code AWS_REGION} (set by Lambda): the region of the bucket and the table.
 *   <li>{@code VERGE_AWS_ENDPOINT} (optional): one endpoint for S3 and DynamoDB, for emulators
 *       (s3proxy, DynamoDB Local, LocalStack); S3 is then addressed path-style.
 * </ul>
 */
public record AwsSettings(String modelsBucket, String table, String region, Optional<URI> endpoint) {

    public static final String MODELS_BUCKET = "VERGE_MODELS_BUCKET";
    public static final String TABLE = "VERGE_TABLE";
    public static final String REGION = "AWS_REGION";
    public static final String ENDPOINT = "VERGE_AWS_ENDPOINT";

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
        String endpoint = env.get(ENDPOINT);
        return new AwsSettings(env.get(MODELS_BUCKET), env.get(TABLE), env.get(REGION),
                blank(endpoint) ? Optional.empty() : Optional.of(URI.create(endpoint.trim())));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
