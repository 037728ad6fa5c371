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

/** {@code GET /dashboard} and its login form's {@code POST}, handed to the cloud API like {@link ApiFunction} (the page checks the API key itself). */
public class DashboardFunction {
    private final Supplier<AzureApp> app;

    public DashboardFunction() {
        this(AzureApp::get);
    }

    DashboardFunction(Supplier<AzureApp> app) {
        this.app = app;
    }

    @FunctionName("dashboard")
    public HttpResponseMessage run(
            @HttpTrigger(name = "request", route = "dashboard/{action?}", dataType = "binary", authLevel = AuthorizationLevel.ANONYMOUS,
                    methods = {HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST}) HttpRequestMessage<Optional<byte[]>> request,
            ExecutionContext context) {
        return HttpMessages.toHttpResponse(request, app.get().services().api().handle(HttpMessages.toApiRequest(request)));
    }
}
