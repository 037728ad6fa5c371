package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownTest {

    @Test
    void close_requestInFlight_finishesItThenRefusesNewConnections() throws Exception {
        byte[] apple = TestImages.appleJpeg();
        CountDownLatch fetching = new CountDownLatch(1);
        HttpServer slowCamera = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        slowCamera.createContext("/snapshot.jpg", exchange -> {
            fetching.countDown();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, apple.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(apple);
            }
        });
        slowCamera.start();
        RunningAgent agent = RunningAgent.start();
        try {
            String url = "http://127.0.0.1:" + slowCamera.getAddress().getPort() + "/snapshot.jpg";
            CompletableFuture<AgentClient.Answer> inFlight = CompletableFuture.supplyAsync(
                    () -> agent.client.postJson("/url", "{\"url\": \"" + url + "\"}"));
            assertThat(fetching.await(30, TimeUnit.SECONDS)).isTrue();

            agent.agent.close();

            AgentClient.Answer answer = inFlight.get(30, TimeUnit.SECONDS);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            assertThat(answer.json().path("predictions").get(0).path("tagName").asText()).isEqualTo("ripe");
            assertThatThrownBy(() -> agent.client.get("/v2/health/live")).isInstanceOf(UncheckedIOException.class);
        } finally {
            slowCamera.stop(0);
            agent.close();
        }
    }
}
