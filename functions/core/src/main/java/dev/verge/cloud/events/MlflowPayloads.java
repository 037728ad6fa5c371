package dev.verge.cloud.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.events.ModelEvent.AliasSet;
import dev.verge.cloud.events.ModelEvent.Ignored;
import dev.verge.cloud.events.ModelEvent.VersionPublished;
import dev.verge.cloud.registry.ArtifactRef;
import java.util.List;

/**
 * MLflow model registry webhook bodies: {@code {"entity", "action", "timestamp", "data"}}.
 * {@code model_version.created} publishes a version (the artifact is its {@code source} URI),
 * {@code model_version_alias.created} points an alias at one; the delivery id is the
 * {@code X-MLflow-Delivery-Id} header, which MLflow keeps across its retries.
 */
final class MlflowPayloads {
    static final String DELIVERY_ID = "X-MLflow-Delivery-Id";
    static final String TIMESTAMP = "X-MLflow-Timestamp";
    static final String SIGNATURE = "X-MLflow-Signature";

    private MlflowPayloads() {}

    static List<Delivery> webhook(Received received) {
        JsonNode body = received.json();
        String type = Fields.text(body, "entity").orElse("") + "." + Fields.text(body, "action").orElse("");
        String id = received.header(DELIVERY_ID).orElse(received.bodyDigest());
        JsonNode data = Fields.get(body, "data");
        ModelEvent event = switch (type) {
            case "model_version.created" -> {
                String name = Fields.require(data, "MLflow model_version.created", "name");
                String version = Fields.require(data, "MLflow model_version.created", "version");
                String source = Fields.text(data, "source").orElse("models:/" + name + "/" + version);
                yield new VersionPublished("mlflow", name, version,
                        new ArtifactRef(ArtifactRef.MLFLOW, source, Fields.text(data, "run_id").orElse(null)));
            }
            case "model_version_alias.created" -> new AliasSet("mlflow", Fields.require(data, "MLflow alias", "name"),
                    Fields.require(data, "MLflow alias", "alias"), Fields.require(data, "MLflow alias", "version"));
            case "registered_model.created", "model_version_tag.set", "model_version_tag.deleted",
                 "model_version_alias.deleted" -> new Ignored(type, "MLflow " + type + " does not publish or promote a version", false);
            default -> new Ignored(type, "unknown MLflow event " + type
                    + ": expected model_version.created or model_version_alias.created", true);
        };
        return List.of(new Delivery(EventSource.MLFLOW, id, Fields.time(body, "timestamp").orElse(received.at()), "mlflow", event));
    }
}
