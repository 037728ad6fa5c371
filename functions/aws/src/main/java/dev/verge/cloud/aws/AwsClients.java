package dev.verge.cloud.aws;

import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Builds the SDK clients once per container. Choices made for cold start: the JDK's
 * URLConnection HTTP client (no Apache or Netty), region and credentials read straight from what
 * Lambda sets (no search of profile files or instance metadata).
 */
public final class AwsClients {

    private AwsClients() {}

    /** Clients for a Lambda container, with {@link #lambdaCredentials()}. */
    public static S3Client s3(AwsSettings settings) {
        return s3(settings.region(), settings.s3Endpoint(), lambdaCredentials());
    }

    public static S3Presigner s3Presigner(AwsSettings settings) {
        return s3Presigner(settings.region(), settings.s3Endpoint(), lambdaCredentials());
    }

    public static DynamoDbClient dynamo(AwsSettings settings) {
        return dynamo(settings.region(), settings.dynamoEndpoint(), lambdaCredentials());
    }

    /**
     * The function's role credentials: Lambda puts them in {@code AWS_ACCESS_KEY_ID} and friends, except
     * for a SnapStart function, which gets none of those and reads them from the container credentials
     * endpoint ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI} + {@code AWS_CONTAINER_AUTHORIZATION_TOKEN})
     * after each restore. Resolved at the first call, never during init, so no snapshot holds them.
     */
    public static AwsCredentialsProvider lambdaCredentials() {
        return AwsCredentialsProviderChain.of(EnvironmentVariableCredentialsProvider.create(), ContainerCredentialsProvider.create());
    }

    /**
     * An emulator ({@code endpoint} present) is addressed path-style, since its host name has no bucket
     * in it, and gets checksums only where S3 requires them: emulators such as s3proxy do not
     * understand the checksum trailers the SDK otherwise adds to every upload.
     */
    public static S3Client s3(String region, Optional<URI> endpoint, AwsCredentialsProvider credentials) {
        var builder = S3Client.builder()
                .httpClient(httpClient())
                .region(Region.of(region))
                .credentialsProvider(credentials);
        endpoint.ifPresent(uri -> builder.endpointOverride(uri)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED));
        return builder.build();
    }

    /** Signs download URLs offline; it must address the same endpoint, the same way, as the client. */
    public static S3Presigner s3Presigner(String region, Optional<URI> endpoint, AwsCredentialsProvider credentials) {
        var builder = S3Presigner.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials);
        endpoint.ifPresent(uri -> builder.endpointOverride(uri)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build()));
        return builder.build();
    }

    public static DynamoDbClient dynamo(String region, Optional<URI> endpoint, AwsCredentialsProvider credentials) {
        var builder = DynamoDbClient.builder()
                .httpClient(httpClient())
                .region(Region.of(region))
                .credentialsProvider(credentials);
        endpoint.ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private static SdkHttpClient httpClient() {
        return UrlConnectionHttpClient.create();
    }
}
