package dev.verge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

/**
 * The cloud API calls of the demo, over HTTP as an operator's scripts make them: devices, the signing
 * key, model versions and deployments. Every unexpected answer is a {@link DemoFailure} naming the call.
 */
final class DemoCloud {
    private static final PrintStream NO_PROGRESS = new PrintStream(OutputStream.nullOutputStream());

    private final CloudClient client;

    DemoCloud(String baseUrl, String apiKey) {
        this.client = new CloudClient(baseUrl, apiKey);
    }

    /** A device as created: its id and the primary key it authenticates with. */
    record Device(String id, String key) {}

    /** A deployment as the API shows it. */
    record Deployment(JsonNode json) {
        String id() {
            return json.path("id").asText();
        }

        String state() {
            return json.path("state").asText();
        }

        String version() {
            return json.path("version").asText();
        }

        List<String> canaryDevices() {
            return StreamSupport.stream(json.path("canaryDevices").spliterator(), false).map(JsonNode::asText).toList();
        }

        /** The reason recorded with the last state change. */
        String lastReason() {
            JsonNode history = json.path("history");
            return history.path(history.size() - 1).path("reason").asText();
        }
    }

    Device createDevice(String id, String group) throws IOException {
        ObjectNode body = CloudClient.JSON.createObjectNode().put("id", id).put("group", group);
        JsonNode created = expect(client.postJson("/api/devices", body), "POST /api/devices " + id, 201);
        return new Device(created.path("id").asText(), created.path("primaryKey").asText());
    }

    /** The Base64 Ed25519 public key the agents trust. */
    String signingKey() {
        return expect(client.get("/api/signing-key"), "GET /api/signing-key", 200).path("publicKey").asText();
    }

    /** Registers a package zip; a version the registry rejects is a failure with its reasons. */
    void register(String model, Path zip) throws IOException {
        String call = "POST /api/models/" + model + "/versions (" + zip.getFileName() + ")";
        JsonNode version = expect(client.upload("/api/models/" + CloudClient.segment(model) + "/versions", zip, NO_PROGRESS),
                call, 200, 201);
        if (!"registered".equals(version.path("status").asText())) {
            throw new DemoFailure(call + " did not register the version: " + version);
        }
    }

    Deployment deploy(String group, String model, String version, JsonNode strategy, JsonNode health) throws IOException {
        ObjectNode body = CloudClient.JSON.createObjectNode().put("group", group).put("model", model).put("version", version);
        body.set("strategy", strategy);
        body.set("health", health);
        return new Deployment(expect(client.postJson("/api/deployments", body), "POST /api/deployments " + version, 201));
    }

    Deployment deployment(String id) {
        return new Deployment(expect(client.get("/api/deployments/" + CloudClient.segment(id)), "GET /api/deployments/" + id, 200));
    }

    /** The group's deployments, newest first. */
    JsonNode deployments(String group) {
        return expect(client.get("/api/deployments?group=" + CloudClient.segment(group)), "GET /api/deployments?group=" + group, 200)
                .path("deployments");
    }

    /**
     * Polls the deployment until it reaches one of {@code states}; on {@code timeout} (or another final
     * state) a failure saying where it stopped. {@code meanwhile} runs between polls (the line's traffic).
     */
    Deployment awaitState(String id, Set<String> states, Duration timeout, Runnable meanwhile) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Deployment d = deployment(id);
            if (states.contains(d.state())) {
                return d;
            }
            if (Set.of("promoted", "rolled-back", "superseded").contains(d.state())) {
                throw new DemoFailure("deployment " + id + " became " + d.state() + ", expected " + states + ": " + d.lastReason());
            }
            if (System.nanoTime() > deadline) {
                throw new DemoFailure("deployment " + id + " is still " + d.state() + " after " + timeout.toSeconds()
                        + " s, expected " + states + "; last step: " + d.lastReason());
            }
            meanwhile.run();
            Thread.sleep(50);
        }
    }

    private static JsonNode expect(CloudClient.Outcome outcome, String call, int... statuses) {
        if (outcome.failure() != null) {
            throw new DemoFailure(call + ": " + outcome.failure());
        }
        for (int status : statuses) {
            if (outcome.status() == status) {
                try {
                    return CloudClient.JSON.readTree(outcome.body());
                } catch (IOException e) {
                    throw new DemoFailure(call + " answered " + status + " with a body that is not JSON: " + outcome.body());
                }
            }
        }
        throw new DemoFailure(call + " answered " + outcome.status() + ": " + outcome.body());
    }
}
