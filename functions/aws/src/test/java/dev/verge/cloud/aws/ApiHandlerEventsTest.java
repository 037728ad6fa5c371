package dev.verge.cloud.aws;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.aws.ApiGatewayProxyEvents.PayloadFormat;
import dev.verge.cloud.events.EventFixtures;
import dev.verge.cloud.events.EventsContract;
import dev.verge.cloud.port.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The webhook and Event Grid contract through {@link ApiHandler}, fed API Gateway proxy events of both
 * payload formats, on S3 (s3proxy) and dynalite.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(PayloadFormat.class)
class ApiHandlerEventsTest extends EventsContract {
    private static final String KEY = "aws-events-key-0123456789";
    private static CloudServices services;
    private static ApiHandler handler;

    @Parameter
    PayloadFormat format;

    @BeforeAll
    static void start() {
        services = Emulators.newServices(CloudConfig.withApiKeys(KEY).withEvents(EventFixtures.config()));
        handler = new ApiHandler(services.api());
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

    @Override
    protected BlobStore blobs() {
        return services.blobs();
    }
}
