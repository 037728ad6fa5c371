package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UrlImageFetcherTest {
    private static final byte[] IMAGE = "pretend these are image bytes".getBytes();

    private HttpServer web;
    private String base;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void startWebServer() throws IOException {
        web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/image.jpg", exchange -> {
            exchange.sendResponseHeaders(200, IMAGE.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(IMAGE);
            }
        });
        web.createContext("/redirect", exchange -> {
            // /redirect/N redirects N times, then to the image
            int n = Integer.parseInt(exchange.getRequestURI().getPath().substring("/redirect/".length()));
            exchange.getResponseHeaders().set("Location", n <= 1 ? "/image.jpg" : "/redirect/" + (n - 1));
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        web.createContext("/missing", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        web.createContext("/huge", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked: the size is only found while reading
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] chunk = new byte[64 * 1024];
                for (int i = 0; i < 64; i++) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // the fetcher hung up once it had enough
            }
        });
        web.createContext("/declared-huge", exchange -> {
            exchange.sendResponseHeaders(200, 10_000_000);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(new byte[1024]);
                out.flush();
            } catch (IOException e) {
                // the fetcher hung up after reading the headers
            }
        });
        web.start();
        base = "http://127.0.0.1:" + web.getAddress().getPort();
    }

    @AfterEach
    void stop() throws Exception {
        web.stop(0);
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    /** Loopback allowed, as a LAN camera would be with --url-allow: these tests are about fetching, not the guard. */
    private static final UrlGuard LOOPBACK_ALLOWED = new UrlGuard(List.of("127.0.0.1"), UrlGuard.HostResolver.SYSTEM);

    private UrlImageFetcher fetcher() {
        return new UrlImageFetcher(Duration.ofSeconds(2), Duration.ofSeconds(2), 3, 1024 * 1024, LOOPBACK_ALLOWED);
    }

    @Test
    void fetch_imageUrl_returnsBytes() {
        assertThat(fetcher().fetch(base + "/image.jpg")).isEqualTo(IMAGE);
    }

    @Test
    void fetch_redirectsWithinLimit_followsThem() {
        assertThat(fetcher().fetch(base + "/redirect/3")).isEqualTo(IMAGE);
    }

    @Test
    void fetch_tooManyRedirects_badRequest() {
        assertFails(() -> fetcher().fetch(base + "/redirect/4"), ErrorKind.BAD_REQUEST, "url_fetch_failed");
    }

    @Test
    void fetch_notFound_badRequestWithoutTheUpstreamStatus() {
        assertThatThrownBy(() -> fetcher().fetch(base + "/missing"))
                .isInstanceOfSatisfying(VergeException.class, e -> assertThat(e.code()).isEqualTo("url_fetch_failed"))
                .hasMessageNotContaining("404");
    }

    @Test
    void fetch_otherSchemes_refusedBeforeAnyRequest() {
        for (String url : List.of("file:///etc/passwd", "ftp://example.com/a.jpg", "jar:file:/x.jar!/a", "no scheme", "http://")) {
            assertFails(() -> fetcher().fetch(url), ErrorKind.BAD_REQUEST, "url_invalid");
        }
    }

    @Test
    void fetch_bodyOverCapWhileStreaming_payloadTooLarge() {
        assertFails(() -> fetcher().fetch(base + "/huge"), ErrorKind.PAYLOAD_TOO_LARGE, "image_too_large");
    }

    @Test
    void fetch_declaredLengthOverCap_payloadTooLargeWithoutReading() {
        assertFails(() -> fetcher().fetch(base + "/declared-huge"), ErrorKind.PAYLOAD_TOO_LARGE, "image_too_large");
    }

    @Test
    void fetch_refusedPort_badRequestUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        assertFails(() -> fetcher().fetch("http://127.0.0.1:" + closedPort + "/a.jpg"), ErrorKind.BAD_REQUEST, "url_fetch_failed");
    }

    @Test
    void fetch_serverNeverAnswers_timesOutWithinTheLimit() throws IOException {
        ServerSocket silent = new ServerSocket(0);
        toClose.add(silent);
        List<Socket> accepted = new ArrayList<>();
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    accepted.add(silent.accept()); // and never answer
                }
            } catch (IOException e) {
                // closed by the test
            }
        });
        UrlImageFetcher fetcher = new UrlImageFetcher(Duration.ofSeconds(1), Duration.ofMillis(700), 3, 1024, LOOPBACK_ALLOWED);
        long start = System.nanoTime();
        assertFails(() -> fetcher.fetch("http://127.0.0.1:" + silent.getLocalPort() + "/a.jpg"), ErrorKind.BAD_REQUEST, "url_fetch_failed");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void fetch_bodyTrickles_timesOutAtTheTotalDeadline() throws IOException {
        ServerSocket trickle = new ServerSocket(0);
        toClose.add(trickle);
        Thread.ofVirtual().start(() -> {
            try (Socket s = trickle.accept()) {
                s.getInputStream().read(new byte[4096]);
                OutputStream out = s.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".getBytes());
                out.flush();
                for (int i = 0; i < 100; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(200);
                }
            } catch (IOException | InterruptedException e) {
                // the fetcher hung up
            }
        });
        UrlImageFetcher fetcher = new UrlImageFetcher(Duration.ofSeconds(1), Duration.ofMillis(800), 3, 4096, LOOPBACK_ALLOWED);
        assertFails(() -> fetcher.fetch("http://127.0.0.1:" + trickle.getLocalPort() + "/a.jpg"), ErrorKind.BAD_REQUEST, "url_fetch_failed");
    }

    @Test
    void fetch_refusedPortSilentServerAndMissingImage_answerTheSameMessage() throws IOException {
        ServerSocket silent = new ServerSocket(0);
        toClose.add(silent);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        UrlImageFetcher fetcher = new UrlImageFetcher(Duration.ofSeconds(1), Duration.ofMillis(700), 3, 1024, LOOPBACK_ALLOWED);
        List<String> messages = new ArrayList<>();
        for (String url : List.of("http://127.0.0.1:" + closedPort + "/a.jpg", "http://127.0.0.1:" + silent.getLocalPort() + "/a.jpg",
                base + "/missing")) {
            assertThatThrownBy(() -> fetcher.fetch(url)).isInstanceOfSatisfying(VergeException.class, e -> messages.add(e.getMessage()));
        }
        assertThat(messages).hasSize(3).containsOnly(messages.getFirst());
    }

    private static void assertFails(ThrowingCallable call, ErrorKind kind, String code) {
        assertThatThrownBy(call).isInstanceOfSatisfying(VergeException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.getMessage()).isNotBlank();
        });
    }
}
