package dev.verge.edge;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What {@code POST /url} fetches from in tests: an image, an HTML page, a server that accepts
 * connections and never answers, and a port nobody listens on.
 */
final class TestWebServer implements AutoCloseable {
    private final HttpServer http;
    private final ServerSocket silent;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    final int refusedPort;

    TestWebServer(byte[] image) {
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/apple.jpg", exchange -> respond(exchange, "image/jpeg", image));
            http.createContext("/page.html", exchange -> respond(exchange, "text/html",
                    "<!doctype html><html><body>not an image</body></html>".getBytes(StandardCharsets.UTF_8)));
            // /redirect?to=<url>: a 302 there
            http.createContext("/redirect", exchange -> {
                String query = exchange.getRequestURI().getRawQuery();
                exchange.getResponseHeaders().set("Location",
                        java.net.URLDecoder.decode(query.substring("to=".length()), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
            });
            http.start();
            silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(this::acceptAndNeverAnswer);
            try (ServerSocket probe = new ServerSocket(0)) {
                refusedPort = probe.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + http.getAddress().getPort() + path;
    }

    int port() {
        return http.getAddress().getPort();
    }

    /** A URL that redirects to {@code target}. */
    String redirectTo(String target) {
        return url("/redirect?to=" + java.net.URLEncoder.encode(target, StandardCharsets.UTF_8));
    }

    String silentUrl() {
        return "http://127.0.0.1:" + silent.getLocalPort() + "/snapshot.jpg";
    }

    String refusedUrl() {
        return "http://127.0.0.1:" + refusedPort + "/snapshot.jpg";
    }

    private void acceptAndNeverAnswer() {
        try {
            while (true) {
                held.add(silent.accept());
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() throws IOException {
        http.stop(0);
        silent.close();
        for (Socket s : held) {
            s.close();
        }
    }
}
