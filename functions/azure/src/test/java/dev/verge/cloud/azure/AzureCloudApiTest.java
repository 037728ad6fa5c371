package dev.verge.cloud.azure;

import com.microsoft.azure.functions.HttpMethod;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.CloudApiContract;
import dev.verge.cloud.azure.storage.Azurite;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.junit.jupiter.api.BeforeAll;

/**
 * The cloud API contract through {@link ApiFunction}: each request becomes the {@code HttpRequestMessage}
 * the Java worker would pass, over Azure Blob and Table storage in Azurite; package downloads are 302s
 * to read-only SAS URLs that the suite follows.
 */
class AzureCloudApiTest extends CloudApiContract {

    static final String KEY = "azure-test-key-0123456789abcdef";
    private static ApiFunction function;

    @BeforeAll
    static void start() {
        AzureApp app = AzureApp.create(Map.of(
                "VERGE_STORAGE", Azurite.shared().connectionString(),
                "VERGE_TABLE", "apicontract",
                "VERGE_API_KEY", KEY));
        function = new ApiFunction(() -> app);
    }

    @Override
    protected ApiResponse send(ApiRequest request) {
        return new Adapter(function).send(request);
    }

    @Override
    protected String apiKey() {
        return KEY;
    }

    /** Turns an {@link ApiRequest} into the {@code HttpRequestMessage} the Java worker passes, and the answer back. */
    record Adapter(ApiFunction function) {
        ApiResponse send(ApiRequest request) {
            Map<String, String> headers = new LinkedHashMap<>();
            request.headers().forEach((name, values) -> headers.put(name, String.join(",", values)));
            StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
            request.query().forEach((name, values) -> values.forEach(v -> query.add(encode(name) + "=" + encode(v))));
            URI uri = URI.create("https://verge-functions.azurewebsites.net" + request.path() + query);
            byte[] body = readBody(request);
            TestHttpResponse response = (TestHttpResponse) function.run(
                    new TestHttpRequest(HttpMethod.value(request.method()), uri, headers, body), new TestExecutionContext("api"));
            return new ApiResponse(response.getStatusCode(), response.headers(), new ApiResponse.Bytes(response.bodyBytes()));
        }
    }

    private static byte[] readBody(ApiRequest request) {
        try (var in = request.body()) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
