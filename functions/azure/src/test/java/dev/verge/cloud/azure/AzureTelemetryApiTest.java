package dev.verge.cloud.azure;

import com.microsoft.azure.functions.HttpMethod;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.azure.storage.Azurite;
import dev.verge.cloud.telemetry.TelemetryApiContract;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.BeforeAll;

/**
 * The telemetry contract through {@link ApiFunction} (and {@link DashboardFunction} for
 * {@code /dashboard}), each request as the {@code HttpRequestMessage} the Java worker passes, over
 * Azure Blob and Table storage in Azurite.
 */
class AzureTelemetryApiTest extends TelemetryApiContract {
    private static final String KEY = "azure-telemetry-key-0123456789";
    private static ApiFunction api;
    private static DashboardFunction dashboard;

    @BeforeAll
    static void start() {
        AzureApp app = AzureApp.create(Map.of(
                "VERGE_STORAGE", Azurite.shared().connectionString(),
                "VERGE_TABLE", "telemetrycontract",
                "VERGE_API_KEY", KEY,
                "VERGE_SIGNING_KEY", dev.verge.cloud.rollout.PackageSigner.generate().privateKeyBase64()));
        api = new ApiFunction(() -> app);
        dashboard = new DashboardFunction(() -> app);
    }

    @Override
    protected ApiResponse send(ApiRequest request) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().forEach((name, values) -> headers.put(name, String.join(",", values)));
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        request.query().forEach((name, values) -> values.forEach(v -> query.add(encode(name) + "=" + encode(v))));
        URI uri = URI.create("https://verge-functions.azurewebsites.net" + request.path() + query);
        TestHttpRequest message = new TestHttpRequest(HttpMethod.value(request.method()), uri, headers, request.body().readAllBytes());
        TestHttpResponse response = (TestHttpResponse) (request.path().startsWith("/dashboard")
                ? dashboard.run(message, new TestExecutionContext("dashboard"))
                : api.run(message, new TestExecutionContext("api")));
        return new ApiResponse(response.getStatusCode(), response.headers(), new ApiResponse.Bytes(response.bodyBytes()));
    }

    @Override
    protected String apiKey() {
        return KEY;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
