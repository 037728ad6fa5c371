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
    private final String agentUrl;

    Camera(String agentUrl) {
        this.agentUrl = agentUrl;
    }

    /** The top prediction of one answer and the time the round trip took. */
    record Answer(String tagName, double probability, double millis) {}

    /**
     * What the agent answered: the top prediction and the model version ({@code iteration}) on a 200, the
     * status and error code otherwise.
     */
    record Reply(int status, String tagName, double probability, String version, String error, double millis) {
        boolean ok() {
            return status == 200;
        }
    }

    /** The answer to one picture; anything but a 200 is an {@link IOException} with the agent's reason. */
    Answer post(byte[] picture) throws IOException, InterruptedException {
        Reply reply = ask(picture);
        if (!reply.ok()) {
            throw new IOException("edge agent answered " + reply.status() + ": " + reply.error());
        }
        return new Answer(reply.tagName(), reply.probability(), reply.millis());
    }

    /** The agent's reply to one picture, whatever its status. */
    Reply ask(byte[] picture) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(agentUrl + "/image"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(picture))
                .build();
        long start = System.nanoTime();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        double millis = (System.nanoTime() - start) / 1e6;
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200) {
            return new Reply(response.statusCode(), null, Double.NaN, null, body.path("error").asText(body.toString()), millis);
        }
        JsonNode top = body.path("predictions").path(0);
        return new Reply(200, top.path("tagName").asText(), top.path("probability").asDouble(), body.path("iteration").asText(),
                null, millis);
    }

    /** True when the agent serves {@code version} of {@code model} (OIP v2 model-ready: 200; 404 or 503 otherwise). */
    boolean serves(String model, String version) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(agentUrl + "/v2/models/" + CloudClient.segment(model)
                        + "/versions/" + CloudClient.segment(version) + "/ready"))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    }
}
