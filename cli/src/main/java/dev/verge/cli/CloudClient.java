package dev.verge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A few calls of the cloud API, each turned into what a terminal user reads and an exit code. */
final class CloudClient {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String baseUrl;
    private final String apiKey;

    CloudClient(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.apiKey = apiKey;
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** An answer of the cloud, or the reason there was none. */
    record Outcome(int status, String body, String failure) {
        int print(PrintStream out, PrintStream err) {
            if (failure != null) {
                err.println(failure);
                return ExitCodes.UNAVAILABLE;
            }
            String pretty = prettyJson(body);
            if (status >= 200 && status < 300) {
                out.println(pretty);
                return ExitCodes.OK;
            }
            err.println("the cloud answered " + status + ":");
            err.println(pretty);
            return status >= 500 ? ExitCodes.UNAVAILABLE : ExitCodes.REFUSED;
        }

        private static String prettyJson(String body) {
            try {
                return JSON.writeValueAsString(JSON.readTree(body));
            } catch (IOException e) {
                return body;
            }
        }
    }

    Outcome get(String path) {
        return send(request(path).GET().build());
    }

    Outcome postJson(String path, JsonNode body) throws IOException {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build());
    }

    /** Streams the file with a progress bar on {@code progress}. */
    Outcome upload(String path, Path file, PrintStream progress) throws IOException {
        long size = Files.size(file);
        ProgressBar bar = new ProgressBar(progress, size);
        HttpRequest request = request(path)
                .timeout(Duration.ofMinutes(30))
                .header("Content-Type", "application/zip")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return bar.track(Files.newInputStream(file));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }), size))
                .build();
        Outcome outcome = send(request);
        bar.done();
        return outcome;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofMinutes(2));
        if (apiKey != null && !apiKey.isBlank()) {
            builder.header("x-api-key", apiKey);
        }
        return builder;
    }

    private Outcome send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Outcome(response.statusCode(), response.body(), null);
        } catch (IOException e) {
            return new Outcome(0, null, "cannot reach the cloud at " + baseUrl + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(0, null, "interrupted");
        }
    }

    /** Counts bytes as they leave and redraws one line. */
    static final class ProgressBar {
        private final PrintStream out;
        private final long total;
        private long sent;
        private int drawnPercent = -1;

        ProgressBar(PrintStream out, long total) {
            this.out = out;
            this.total = Math.max(1, total);
        }

        InputStream track(InputStream in) {
            return new java.io.FilterInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        advance(n);
                    }
                    return n;
                }
            };
        }

        private synchronized void advance(long n) {
            sent += n;
            int percent = (int) (100 * sent / total);
            if (percent != drawnPercent) {
                drawnPercent = percent;
                int filled = percent / 4;
                out.printf("\rupload [%s%s] %3d%%  %.1f/%.1f MB", "#".repeat(filled), " ".repeat(25 - filled), percent,
                        sent / 1e6, total / 1e6);
            }
        }

        void done() {
            if (drawnPercent >= 0) {
                out.println();
            }
        }
    }
}
