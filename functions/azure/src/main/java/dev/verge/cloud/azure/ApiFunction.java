package dev.verge.cloud.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import java.util.Optional;
import java.util.function.Supplier;

/** Every {@code /api/...} request, handed to the cloud API (which checks API keys itself, hence anonymous). */
public class ApiFunction {

    private final Supplier<AzureApp> app;

    public ApiFunction() {
        this(AzureApp::get);
    }

    ApiFunction(Supplier<AzureApp> app) {
        this.app = app;
    }

    @FunctionName("api")
    public HttpResponseMessage run(
            @HttpTrigger(name = "request", route = "api/{*path}", dataType = "binary", authLevel = AuthorizationLevel.ANONYMOUS,
                    methods = {HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.OPTIONS})
            HttpRequestMessage<Optional<byte[]>> request,
            ExecutionContext context) {
        return HttpMessages.toHttpResponse(request, app.get().services().api().handle(HttpMessages.toApiRequest(request)));
    }

    /**
     * {@code /dashboard}, the one page of the API outside {@code /api}: a trigger of its own for that one path, so
     * that the URL is the same as on AWS and the local cloud without a catch-all route at the root (which would
     * compete with the host's own paths). The cloud API answers it like any other route.
     */
    @FunctionName("dashboard")
    public HttpResponseMessage dashboard(
            @HttpTrigger(name = "request", route = "dashboard", dataType = "binary", authLevel = AuthorizationLevel.ANONYMOUS,
                    methods = {HttpMethod.GET, HttpMethod.HEAD})
            HttpRequestMessage<Optional<byte[]>> request,
            ExecutionContext context) {
        return run(request, context);
    }
}
