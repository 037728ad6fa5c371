package dev.verge.cloud.aws;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.DeviceRightsContract;
import dev.verge.cloud.aws.ApiGatewayProxyEvents.PayloadFormat;
import dev.verge.cloud.registry.RegistryRoutes.PackageDelivery;
import dev.verge.cloud.rollout.PackageSigner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The device authorization matrix through {@link ApiHandler}, fed API Gateway proxy events of
 * both payload formats, on S3 (s3proxy) and dynalite; devices get pre-signed S3 package URLs.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(PayloadFormat.class)
class ApiHandlerDeviceRightsTest extends DeviceRightsContract {
    private static final String KEY = "aws-rights-key-0123456789";
    private static ApiHandler handler;

    @Parameter
    PayloadFormat format;

    @BeforeAll
    static void start() {
        handler = new ApiHandler(Emulators.newServices(CloudConfig.withApiKeys(KEY).withPackageDelivery(PackageDelivery.REDIRECT)
                .withSigningKey(PackageSigner.generate().privateKeyBase64())).api());
    }

    @Override
    protected ApiResponse send(ApiRequest request) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(ApiGatewayProxyEvents.event(format, request)), out, null);
        return ApiGatewayProxyEvents.response(out.toByteArray());
    }

    @Override
    protected String apiKey() {
        return KEY;
    }
}
