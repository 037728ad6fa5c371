package dev.verge.cloud.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.cloud.CloudConfig;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What an attacker on the network sees of the local cloud: malformed URLs, logs, headers, guessing keys. */
@Timeout(120)
class SurfaceTest {
    private static final String KEY = "surface-test-key-7f3a9c";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    static Path data;

    private static LocalCloud cloud;

    @BeforeAll
    static void start() {
        cloud = LocalCloud.start(LocalCloud.Settings.of(data, CloudConfig.withApiKeys(KEY)));
    }

    @AfterAll
    static void stop() {
        cloud.close();
    }

    private static HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cloud.baseUri() + pathAndQuery)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET sent as raw bytes, for request lines that java.net.URI refuses to build; answers the status code. */
    private static int rawGet(String target, String... headers) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", cloud.port()), 5000);
            socket.setSoTimeout(30_000);
            StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            for (int i = 0; i < headers.length; i += 2) {
                request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(answer.substring(9, 12));
        }
    }

    /** Every record logged while {@code work} runs, at every level. */
    private static List<String> logged(ThrowingRunnable work) throws Exception {
        List<String> lines = new ArrayList<>();
        Logger root = Logger.getLogger("");
        Level before = root.getLevel();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage() + (record.getThrown() == null ? "" : " " + record.getThrown()));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        capture.setLevel(Level.ALL);
        root.addHandler(capture);
        Logger dev = Logger.getLogger("dev.verge");
        Level devBefore = dev.getLevel();
        dev.setLevel(Level.ALL);
        try {
            work.run();
        } finally {
            root.removeHandler(capture);
            dev.setLevel(devBefore);
            root.setLevel(before);
        }
        return lines;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void malformedQueryOrPath_is400AndNeitherTheQueryNorTheKeyIsLogged() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        List<String> lines = logged(() -> {
            statuses.add(rawGet("/dashboard?key=" + KEY + "&hours=%ff"));
            statuses.add(rawGet("/api/models?x=%zz", "x-api-key", KEY));
            statuses.add(rawGet("/api/models/%ff/versions", "x-api-key", KEY));
            statuses.add(rawGet("/api/webhooks/dockerhub/token-0123456789abcdef%ff"));
        });

        assertThat(statuses).containsOnly(400);
        assertThat(String.join("\n", lines)).doesNotContain(KEY).doesNotContain("%ff").doesNotContain("hours=")
                .doesNotContain("token-0123456789abcdef");
    }

    @Test
    void malformedQuery_answerSaysWhatIsWrongWithoutRepeatingIt() throws Exception {
        HttpResponse<String> answer = get("/dashboard?key=" + KEY + "&hours=%ff");
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("query_invalid").doesNotContain(KEY);
    }

    @Test
    void routesAreLoggedByTheirTemplate() throws Exception {
        List<String> lines = logged(() -> get("/api/webhooks/dockerhub/token-0123456789abcdef?x=1"));

        assertThat(String.join("\n", lines)).doesNotContain("token-0123456789abcdef").doesNotContain("x=1");
    }

    @Test
    void everyAnswer_carriesTheSecurityHeaders() throws Exception {
        for (HttpResponse<String> answer : List.of(get("/api/health"), get("/api/models", "x-api-key", KEY), get("/dashboard"),
                get("/no/such/route"))) {
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).as(answer.uri().toString()).contains("nosniff");
            assertThat(answer.headers().firstValue("X-Frame-Options")).contains("DENY");
            assertThat(answer.headers().firstValue("Referrer-Policy")).contains("no-referrer");
            assertThat(answer.headers().firstValue("Content-Security-Policy")).isPresent();
        }
        assertThat(get("/api/models", "x-api-key", KEY).headers().firstValue("Content-Security-Policy"))
                .contains("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    }

    @Test
    void dashboardSession_isAnOpaqueHttpOnlyCookieNotTheKey() throws Exception {
        HttpResponse<String> login = get("/dashboard?key=" + KEY);

        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("verge_session=").contains("HttpOnly").contains("SameSite=Strict").contains("Path=/")
                .doesNotContain(KEY);
        assertThat(get("/dashboard", "Cookie", cookie.split(";")[0]).statusCode()).isEqualTo(200);
        // a client's own X-Forwarded-Proto does not make plain HTTP look like HTTPS
        assertThat(get("/dashboard?key=" + KEY, "X-Forwarded-Proto", "https").headers().firstValue("Set-Cookie").orElseThrow())
                .startsWith("verge_session=");
    }

    @Test
    void wrongKeys_fromOneAddress_areAnswered429WithRetryAfter() throws Exception {
        // a cloud of its own: the other tests' address must not share these failures
        try (LocalCloud own = LocalCloud.start(LocalCloud.Settings.of(data.resolve("limited"), CloudConfig.withApiKeys(KEY)))) {
            List<Integer> statuses = new ArrayList<>();
            HttpResponse<String> last = null;
            for (int i = 0; i < 15; i++) {
                last = HTTP.send(HttpRequest.newBuilder(URI.create(own.baseUri() + "/api/models")).header("x-api-key",
                        "wrong-key-0123456789-" + i).build(), HttpResponse.BodyHandlers.ofString());
                statuses.add(last.statusCode());
            }
            assertThat(statuses.subList(0, 10)).containsOnly(401);
            assertThat(statuses.subList(10, 15)).containsOnly(429);
            assertThat(last.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 60));
            assertThat(last.body()).contains("too_many_failed_attempts");
            // while it waits, even the right key is turned away: guessing gains nothing
            assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(own.baseUri() + "/api/models")).header("x-api-key", KEY).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(429);
        }
    }
}
