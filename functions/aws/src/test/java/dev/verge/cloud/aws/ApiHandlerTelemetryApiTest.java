package dev.verge.cloud.aws;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.aws.ApiGatewayProxyEvents.PayloadFormat;
import dev.verge.cloud.telemetry.TelemetryApiContract;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The telemetry contract through {@link ApiHandler}, fed API Gateway proxy events of both payload
 * formats (gzip batches arrive base64-encoded), on S3 (s3proxy) and dynalite.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(PayloadFormat.class)
class ApiHandlerTelemetryApiTest extends TelemetryApiContract {
    private static final String KEY = "aws-telemetry-key-0123456789";
    private static ApiHandler handler;

    @Parameter
    PayloadFormat format;

    @BeforeAll
    static void start() {
        handler = new ApiHandler(Emulators.newServices(CloudConfig.withApiKeys(KEY)
                .withSigningKey(dev.verge.cloud.rollout.PackageSigner.generate().privateKeyBase64())).api());
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
