package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** --client-key over every route: the prediction routes and /metrics need a key, the health routes do not. */
class ClientKeysTest {
    private static final String KEY = "k3y-for-the-line-4-cameras";
    private static final String OTHER_KEY = "second-key-during-rotation";

    /** Every route that needs a key: method, path, content type, body. */
    private record Call(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder request(int port) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            return method.equals("GET") ? b.GET() : b.POST(HttpRequest.BodyPublishers.ofByteArray(body));
        }
    }

    private static TestWebServer web;
    private static RunningAgent agent;

    @BeforeAll
    static void start() {
        web = new TestWebServer(TestImages.appleJpeg());
        agent = RunningAgent.start(AccessSettings.defaults().withUrlAllow("127.0.0.1").withClientKeys(KEY, OTHER_KEY));
    }

    @AfterAll
    static void stop() throws IOException {
        agent.close();
        web.close();
    }

    private static List<Call> protectedCalls() {
        byte[] apple = TestImages.appleJpeg();
        byte[] url = ("{\"url\": \"" + web.url("/apple.jpg") + "\"}").getBytes();
        byte[] infer = "{\"inputs\": []}".getBytes();
        return List.of(
                new Call("POST", "/image", "application/octet-stream", apple),
                new Call("POST", "/image/nostore", "application/octet-stream", apple),
                new Call("POST", "/fruit/classify/iterations/It3/image", "application/octet-stream", apple),
                new Call("POST", "/url", "application/json", url),
                new Call("POST", "/fruit/classify/iterations/It3/url/nostore", "application/json", url),
                new Call("POST", "/customvision/v3.1/prediction/4a1b0c2d-0000-4000-8000-000000000001/classify/iterations/It3/image",
                        "application/octet-stream", apple),
                new Call("POST", "/v2/models/fruit-quality/infer", "application/json", infer),
                new Call("POST", "/v2/models/fruit-quality/versions/3/infer", "application/json", infer),
                new Call("GET", "/v2", null, null),
                new Call("GET", "/v2/models/fruit-quality", null, null),
                new Call("GET", "/metrics", null, null));
    }

    @Test
    void protectedRoutes_withoutAKey_unauthorizedWithJson() {
        for (Call call : protectedCalls()) {
            AgentClient.Answer answer = agent.client.send(call.request(agent.agent.port()));
            assertThat(answer.status()).as(call.path() + ": " + answer).isEqualTo(401);
            assertThat(vergeCode(call, answer)).isEqualTo("client_key_required");
            assertThat(answer.text()).doesNotContain(KEY);
        }
    }

    @Test
    void protectedRoutes_wrongKey_unauthorized() {
        for (String wrong : List.of(KEY + "x", KEY.substring(1), "zz9", KEY.toUpperCase())) {
            for (Call call : protectedCalls()) {
                AgentClient.Answer answer = agent.client.send(call.request(agent.agent.port()).header("Prediction-Key", wrong));
                assertThat(answer.status()).as(call.path() + " with " + wrong).isEqualTo(401);
                assertThat(vergeCode(call, answer)).isEqualTo("client_key_invalid");
                assertThat(answer.text()).doesNotContain(KEY).doesNotContain(wrong);
            }
        }
    }

    /** Open Inference Protocol errors hold the description in "error" and Verge's code in "code". */
    private static String vergeCode(Call call, AgentClient.Answer answer) {
        return answer.json().get(call.path().startsWith("/v2") ? "code" : "error").asText();
    }

    @Test
    void protectedRoutes_eitherKeyInEitherHeader_answered() {
        for (String header : List.of("Prediction-Key", "X-Api-Key", "prediction-key")) {
            for (String key : List.of(KEY, OTHER_KEY)) {
                for (Call call : protectedCalls()) {
                    AgentClient.Answer answer = agent.client.send(call.request(agent.agent.port()).header(header, key));
                    assertThat(answer.status()).as(call.path() + " with " + header).isNotEqualTo(401);
                }
            }
        }
        AgentClient.Answer image = agent.client.send(protectedCalls().getFirst().request(agent.agent.port()).header("Prediction-Key", KEY));
        assertThat(image.status()).isEqualTo(200);
        AgentClient.Answer url = agent.client.send(protectedCalls().get(3).request(agent.agent.port()).header("X-Api-Key", OTHER_KEY));
        assertThat(url.status()).as(url.toString()).isEqualTo(200);
    }

    @Test
    void healthRoutes_withoutAKey_open() {
        for (String path : List.of("/", "/v2/health/live", "/v2/health/ready", "/v2/models/fruit-quality/ready")) {
            assertThat(agent.client.get(path).status()).as(path).isEqualTo(200);
        }
    }

    @Test
    void accessSettings_printed_showNoKey() {
        assertThat(AccessSettings.defaults().withClientKeys(KEY).toString()).doesNotContain(KEY);
    }
}
