package dev.verge.cloud.azure;

import com.microsoft.azure.functions.HttpMethod;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.azure.storage.Azurite;
import dev.verge.cloud.events.EventFixtures;
import dev.verge.cloud.events.EventsContract;
import dev.verge.cloud.port.BlobStore;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.BeforeAll;

/**
 * The webhook and Event Grid contract through {@link ApiFunction} (the {@code HttpRequestMessage} the
 * Java worker passes), over Azure Blob and Table storage in Azurite, configured from app settings.
 */
class AzureEventsTest extends EventsContract {
    static final String KEY = "azure-events-key-0123456789abcdef";
    private static AzureApp app;
    private static ApiFunction function;

    @BeforeAll
    static void start() {
        Map<String, String> settings = new HashMap<>(EventFixtures.env());
        settings.put("VERGE_STORAGE", Azurite.shared().connectionString());
        settings.put("VERGE_TABLE", "eventcontract");
        settings.put("VERGE_API_KEY", KEY);
        app = AzureApp.create(settings);
        function = new ApiFunction(() -> app);
    }

    @Override
    protected ApiResponse send(ApiRequest request) throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().forEach((name, values) -> headers.put(name, String.join(",", values)));
        StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
        request.query().forEach((name, values) -> values.forEach(v -> query.add(encode(name) + "=" + encode(v))));
        URI uri = URI.create("https://verge-functions.azurewebsites.net" + request.path() + query);
        byte[] body;
        try (var in = request.body()) {
            body = in.readAllBytes();
        }
        TestHttpResponse response = (TestHttpResponse) function.run(
                new TestHttpRequest(HttpMethod.value(request.method()), uri, headers, body), new TestExecutionContext("api"));
        return new ApiResponse(response.getStatusCode(), response.headers(), new ApiResponse.Bytes(response.bodyBytes()));
    }

    @Override
    protected String apiKey() {
        return KEY;
    }

    @Override
    protected BlobStore blobs() {
        return app.blobs();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
