package dev.verge.edge.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.inference.json.Json;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The edge fallback ({@code --cloud-fallback}): while the agent has no model, a camera's picture goes to the
 * cloud's predict route for the model and version the desired state names, with this device's credentials,
 * and the cloud's answer goes back to the camera. Only answers the camera could have had from the agent itself
 * pass through: a prediction, or a complaint about its own picture (400, 413, 415, 422). The cloud's own
 * trouble (down, slow, 5xx, this device refused, model unknown there, not JSON) is a {@link SyncException}
 * saying why, which the agent answers with its usual 503.
 */
public final class CloudFallback {
    public static final String MODEL_VERSION_HEADER = "X-Verge-Model-Version";
    private static final Set<Integer> PASSED_THROUGH = Set.of(200, 400, 413, 415, 422);

    private final Function<String, Optional<PackageRef>> wanted;
    private final DeviceApiClient client;

    /** {@code wanted}: the package the desired state names for a model (null: the default model). */
    CloudFallback(Function<String, Optional<PackageRef>> wanted, DeviceApiClient client) {
        this.wanted = wanted;
        this.client = client;
    }

    /**
     * The cloud's answer for the camera.
     *
     * @param status       the cloud's status: 200, or the camera's own mistake (4xx)
     * @param body         the cloud's JSON, as it sent it
     * @param modelVersion the cloud's {@code X-Verge-Model-Version}; null when it sent none (errors)
     * @param errorCode    the {@code error} of a 4xx body; null on 200
     */
    public record Answer(int status, byte[] body, String modelVersion, String errorCode) {}

    /** True when the desired state names {@code model} for this device: the cloud can answer for it. */
    public boolean names(String model) {
        return wanted.apply(model).isPresent();
    }

    /** Forwards {@code image} for the default model; see {@link #predict(String, byte[])}. */
    public Answer predict(byte[] image) {
        return predict(null, image);
    }

    /**
     * Forwards {@code image} to the cloud's predict route for the version of {@code model} (null: the default model)
     * the desired state names; bounded by the sync timeout. Throws {@link SyncException} when the cloud cannot answer
     * for the agent.
     */
    public Answer predict(String model, byte[] image) {
        PackageRef ref = wanted.apply(model).orElseThrow(() -> SyncException.transientFailure("cloud_no_model",
                "the cloud's desired state names " + (model == null ? "no model" : "no model " + model) + " for this device (yet)"));
        DeviceApiClient.Answer answer = client.predict(ref.model(), ref.version(), image);
        if (!PASSED_THROUGH.contains(answer.status())) {
            throw DeviceApiClient.unexpected("the prediction of " + ref.model() + " " + ref.version(), answer);
        }
        JsonNode json;
        try {
            json = Json.mapper().readTree(answer.body());
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            throw SyncException.transientFailure("cloud_answer_invalid", "expected a JSON object as the cloud's prediction ("
                    + answer.status() + "), found " + answer.body().length + " bytes of something else");
        }
        String errorCode = answer.status() == 200 ? null : json.path("error").asText(null);
        return new Answer(answer.status(), answer.body(), answer.headers().firstValue(MODEL_VERSION_HEADER).orElse(null),
                errorCode);
    }
}
