package dev.verge.cloud.aws;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.CloudApi;
import dev.verge.error.VergeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Function;

/**
 * The cloud HTTP API behind API Gateway (REST API or HTTP API, payload format 1.0 or 2.0).
 * Handler: {@code dev.verge.cloud.aws.ApiHandler::handleRequest}.
 */
public final class ApiHandler implements RequestStreamHandler {
    private final Function<ApiRequest, ApiResponse> api;

    public ApiHandler() {
        this(AwsServices.SERVICES.api());
    }

    /** {@code api} is {@link CloudApi}, which answers every request, errors included. */
    ApiHandler(Function<ApiRequest, ApiResponse> api) {
        this.api = api;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ApiResponse response;
        try {
            ApiGatewayEvents.Event event = ApiGatewayEvents.readEvent(input);
            // the caller's address limits failed authentications (per function instance: memory is not shared)
            response = api instanceof dev.verge.cloud.api.CloudApi cloud ? cloud.handle(event.request(), event.sourceIp())
                    : api.apply(event.request());
        } catch (VergeException notAnApiGatewayEvent) {
            response = ApiResponse.error(notAnApiGatewayEvent);
        }
        ApiGatewayEvents.write(response, output);
    }
}
