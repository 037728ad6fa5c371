package dev.verge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Posts pictures to an edge agent exactly as a camera on the line does: raw bytes to {@code /image}. */
final class Camera {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI image;

    Camera(String agentUrl) {
        this.image = URI.create(agentUrl + "/image");
    }

    /** The top prediction of one answer and the time the round trip took. */
    record Answer(String tagName, double probability, double millis) {}

    Answer post(byte[] picture) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(image)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(picture))
                .build();
        long start = System.nanoTime();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        double millis = (System.nanoTime() - start) / 1e6;
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new IOException("edge agent answered " + response.statusCode() + ": " + body);
        }
        JsonNode top = body.path("predictions").path(0);
        return new Answer(top.path("tagName").asText(), top.path("probability").asDouble(), millis);
    }
}
