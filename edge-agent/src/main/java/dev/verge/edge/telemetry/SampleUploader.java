package dev.verge.edge.telemetry;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Uploads kept samples to {@code POST /api/samples}, oldest first, and deletes each once the cloud has it
 * (201, or 200 when the sample id was already stored: the upload is idempotent on its id).
 */
final class SampleUploader implements Uplink.Delivery {
    private static final System.Logger LOG = System.getLogger(SampleUploader.class.getName());

    private final SampleStore store;
    private final TelemetryApiClient cloud;
    private final TelemetryMetrics metrics;

    SampleUploader(SampleStore store, TelemetryApiClient cloud, TelemetryMetrics metrics) {
        this.store = store;
        this.cloud = cloud;
        this.metrics = metrics;
    }

    @Override
    public void deliver(Runnable progressed) {
        for (SampleStore.Sample sample : store.list()) {
            byte[] image;
            try {
                image = store.image(sample);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "sample " + sample.sampleId() + " lost its image, deleted: " + e.getMessage());
                store.delete(sample);
                continue;
            }
            Map<String, String> query = new LinkedHashMap<>();
            query.put("model", sample.model());
            query.put("version", sample.version());
            query.put("label", sample.label());
            query.put("probability", Double.toString(sample.probability()));
            query.put("sampleId", sample.sampleId());
            try {
                cloud.postSample(image, sample.contentType(), query);
                metrics.sample("uploaded");
            } catch (TelemetryApiClient.Refused e) {
                LOG.log(System.Logger.Level.ERROR, "sample " + sample.sampleId() + " refused, deleting it: " + e.getMessage());
                metrics.sample("rejected");
            }
            store.delete(sample);
            progressed.run();
        }
    }
}
