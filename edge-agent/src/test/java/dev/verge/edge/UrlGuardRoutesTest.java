package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * POST /url against loopback servers only: refused in every spelling of loopback, on redirects too, and a name
 * whose address changes between the check and the connection is refused at the connection.
 */
class UrlGuardRoutesTest {
    private static TestWebServer web;
    private static RunningAgent guarded; // the defaults: public addresses only
    private static RunningAgent allowing; // --url-allow 127.0.0.1/32

    @BeforeAll
    static void start() {
        web = new TestWebServer(TestImages.appleJpeg());
        guarded = RunningAgent.start(AccessSettings.defaults());
        allowing = RunningAgent.start(AccessSettings.defaults().withUrlAllow("127.0.0.1/32"));
    }

    @AfterAll
    static void stop() throws IOException {
        guarded.close();
        allowing.close();
        web.close();
    }

    @Test
    void url_loopbackInEverySpelling_forbiddenWithOneMessage() {
        int port = web.port();
        List<String> messages = new ArrayList<>();
        for (String host : List.of("127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "0x7f.0.0.1", "127.0.0.1.",
                "localhost", "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "0.0.0.0", "[::]")) {
            AgentClient.Answer answer = guarded.client.postJson("/url", "{\"url\": \"http://" + host + ":" + port + "/apple.jpg\"}");
            assertThat(answer.status()).as(host + ": " + answer).isEqualTo(403);
            JsonNode body = answer.json();
            assertThat(body.get("error").asText()).isEqualTo("url_not_allowed");
            messages.add(body.get("message").asText());
        }
        assertThat(messages).containsOnly(messages.getFirst());
        assertThat(messages.getFirst()).doesNotContain(String.valueOf(port)).doesNotContain("127.0.0.1").contains("--url-allow");
    }

    @Test
    void url_customVisionAliasToLoopback_forbidden() {
        AgentClient.Answer answer = guarded.client.postJson("/fruit/classify/iterations/It3/url",
                "{\"url\": \"" + web.url("/apple.jpg") + "\"}");
        assertThat(answer.status()).isEqualTo(403);
    }

    @Test
    void url_allowedAddress_fetchedAndPredicted() {
        AgentClient.Answer answer = allowing.client.postJson("/url", "{\"url\": \"" + web.url("/apple.jpg") + "\"}");
        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        assertThat(answer.json().get("predictions")).isNotEmpty();
    }

    @Test
    void url_redirectFromAnAllowedHostToOneNotAllowed_forbidden() {
        int port = web.port();
        for (String target : List.of("http://127.0.0.2:" + port + "/apple.jpg", "http://2130706434:" + port + "/apple.jpg",
                "http://[::1]:" + port + "/apple.jpg", "http://0.0.0.0:" + port + "/apple.jpg")) {
            AgentClient.Answer answer = allowing.client.postJson("/url", "{\"url\": \"" + web.redirectTo(target) + "\"}");
            assertThat(answer.status()).as(target + ": " + answer).isEqualTo(403);
            assertThat(answer.json().get("error").asText()).isEqualTo("url_not_allowed");
        }
        AgentClient.Answer allowed = allowing.client.postJson("/url",
                "{\"url\": \"" + web.redirectTo(web.url("/apple.jpg")) + "\"}");
        assertThat(allowed.status()).as(allowed.toString()).isEqualTo(200);
    }

    @Test
    void url_failuresOfAnAllowedHost_oneGenericMessageNamingNoPortOrStatus() {
        List<String> messages = new ArrayList<>();
        for (String url : List.of(web.refusedUrl(), web.silentUrl(), web.url("/missing.jpg"))) {
            AgentClient.Answer answer = allowing.client.postJson("/url", "{\"url\": \"" + url + "\"}");
            assertThat(answer.status()).as(url + ": " + answer).isEqualTo(400);
            assertThat(answer.json().get("error").asText()).isEqualTo("url_fetch_failed");
            messages.add(answer.json().get("message").asText());
        }
        assertThat(messages).containsOnly(messages.getFirst());
        assertThat(messages.getFirst()).doesNotContain("404").doesNotContain(String.valueOf(web.refusedPort))
                .doesNotContain("listen");
    }

    @Test
    void fetch_nameResolvedToAnAllowedAddress_connectsThereWithTheNameAsHost() throws IOException {
        List<String> hosts = new CopyOnWriteArrayList<>();
        HttpServer camera = imageServer(hosts);
        try {
            UrlGuard guard = new UrlGuard(List.of("127.0.0.1"), host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")});
            UrlImageFetcher fetcher = new UrlImageFetcher(Duration.ofSeconds(2), Duration.ofSeconds(2), 3, 1 << 20, guard);
            int port = camera.getAddress().getPort();
            assertThat(fetcher.fetch("http://camera.test:" + port + "/snapshot.jpg")).isEqualTo(TestImages.appleJpeg());
            assertThat(hosts).containsExactly("camera.test:" + port);
        } finally {
            camera.stop(0);
        }
    }

    @Test
    void fetch_nameReboundAfterTheCheck_refusedAtTheConnectionWithoutConnecting() throws IOException {
        List<String> hosts = new CopyOnWriteArrayList<>();
        HttpServer camera = imageServer(hosts);
        try {
            AtomicInteger lookups = new AtomicInteger();
            // first answer allowed; every later one a loopback address that is not (nothing listens there either)
            UrlGuard guard = new UrlGuard(List.of("127.0.0.1"), host -> new InetAddress[] {
                    InetAddress.getByName(lookups.getAndIncrement() == 0 ? "127.0.0.1" : "127.0.0.3")});
            UrlImageFetcher fetcher = new UrlImageFetcher(Duration.ofSeconds(2), Duration.ofSeconds(2), 3, 1 << 20, guard);
            int port = camera.getAddress().getPort();
            try {
                fetcher.fetch("http://rebinding.test:" + port + "/snapshot.jpg");
                throw new AssertionError("fetched after the name was rebound");
            } catch (dev.verge.error.VergeException e) {
                assertThat(e.code()).isEqualTo("url_not_allowed");
            }
            assertThat(lookups.get()).as("checked before the request and again where the connection is made").isEqualTo(2);
            assertThat(hosts).isEmpty();
        } finally {
            camera.stop(0);
        }
    }

    private static HttpServer imageServer(List<String> hostHeaders) throws IOException {
        HttpServer camera = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        camera.createContext("/snapshot.jpg", exchange -> {
            hostHeaders.add(exchange.getRequestHeaders().getFirst("Host"));
            byte[] image = TestImages.appleJpeg();
            exchange.sendResponseHeaders(200, image.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(image);
            }
        });
        camera.start();
        return camera;
    }
}
