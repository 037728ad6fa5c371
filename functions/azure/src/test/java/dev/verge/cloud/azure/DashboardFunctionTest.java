package dev.verge.cloud.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.functions.HttpMethod;
import dev.verge.cloud.azure.storage.Azurite;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /dashboard} through {@link DashboardFunction}, over Azurite: the page the other runtimes serve. */
class DashboardFunctionTest {
    private static final String KEY = "azure-dashboard-key-0123456789";
    private static DashboardFunction function;

    @BeforeAll
    static void start() {
        AzureApp app = AzureApp.create(Map.of(
                "VERGE_STORAGE", Azurite.shared().connectionString(),
                "VERGE_TABLE", "dashboard",
                "VERGE_API_KEY", KEY));
        function = new DashboardFunction(() -> app);
    }

    private static TestHttpResponse get(String pathAndQuery, Map<String, String> headers) {
        return (TestHttpResponse) function.run(new TestHttpRequest(HttpMethod.GET,
                URI.create("https://verge-functions.azurewebsites.net" + pathAndQuery), headers, new byte[0]),
                new TestExecutionContext("dashboard"));
    }

    @Test
    void dashboard_withoutKey_is401WithALoginForm() {
        TestHttpResponse response = get("/dashboard", Map.of());
        assertThat(response.getStatusCode()).isEqualTo(401);
        assertThat(response.getHeader("Content-Type")).startsWith("text/html");
        assertThat(new String(response.bodyBytes(), StandardCharsets.UTF_8)).contains("<form");
    }

    @Test
    void dashboard_withASessionCookie_isThePage() {
        String session = get("/dashboard?key=" + KEY, Map.of()).getHeader("Set-Cookie").split(";")[0];
        TestHttpResponse response = get("/dashboard", Map.of("Cookie", session));
        assertThat(response.getStatusCode()).isEqualTo(200);
        assertThat(new String(response.bodyBytes(), StandardCharsets.UTF_8)).contains("id=\"total-requests\">0<");
    }
}
