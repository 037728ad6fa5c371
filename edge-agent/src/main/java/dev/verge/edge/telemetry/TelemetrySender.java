package dev.verge.edge.telemetry;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.inference.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * Sends the journal to {@code POST /api/telemetry}, one gzipped batch at a time, oldest first, until the
 * journal is empty. A batch leaves the journal only when the cloud acknowledged it (200, including
 * {@code "duplicate": true}: the cloud had it from a send whose answer was lost); when the cloud cannot
 * take it the batch stays, persisted with its id, and {@link CloudUnavailableException} tells the
 * {@link Uplink} to back off. A batch the cloud refuses as malformed (400) is logged, counted and
 * deleted: resending it would block every later record.
 */
final class TelemetrySender implements Uplink.Delivery {
    private static final System.Logger LOG = System.getLogger(TelemetrySender.class.getName());

    private final TelemetryJournal journal;
    private final CloudClient cloud;
    private final String deviceId;
    private final int batchSize;
    private final Clock clock;
    private final TelemetryMetrics metrics;

    TelemetrySender(TelemetryJournal journal, CloudClient cloud, String deviceId, int batchSize, Clock clock,
            TelemetryMetrics metrics) {
        this.journal = journal;
        this.cloud = cloud;
        this.deviceId = deviceId;
        this.batchSize = batchSize;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void deliver() {
        Optional<JournalBatch> next;
        while ((next = journal.nextBatch(batchSize)).isPresent()) {
            send(next.get());
        }
    }

    private void send(JournalBatch batch) {
        String answer;
        try {
            answer = cloud.postTelemetry(gzippedJson(batch));
        } catch (CloudClient.Refused e) {
            LOG.log(System.Logger.Level.ERROR, "telemetry batch " + batch.batchId() + " of " + batch.records().size()
                    + " record(s) refused, deleting it (a resend would be refused again): " + e.getMessage());
            journal.acknowledge(batch);
            metrics.rejected(batch.records().size());
            return;
        } catch (CloudUnavailableException e) {
            metrics.sendFailed();
            throw e;
        }
        journal.acknowledge(batch);
        metrics.delivered(batch.records().size(), isDuplicate(answer));
    }

    private static boolean isDuplicate(String answer) {
        try {
            JsonNode node = Json.mapper().readTree(answer);
            return node != null && node.path("duplicate").asBoolean(false);
        } catch (IOException e) {
            return false; // a 200 is the acknowledgement; its body only tells duplicates apart for the metrics
        }
    }

    /** The contract's batch; records are stored as JSON and copied in as they are. */
    byte[] gzippedJson(JournalBatch batch) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(batch.records().size() * 120 + 256);
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes);
                JsonGenerator json = Json.mapper().getFactory().createGenerator(gzip)) {
            json.writeStartObject();
            json.writeStringField("batchId", batch.batchId());
            json.writeStringField("deviceId", deviceId);
            json.writeStringField("sentAt", clock.instant().toString());
            json.writeNumberField("dropped", batch.dropped());
            json.writeArrayFieldStart("records");
            for (String record : batch.records()) {
                json.writeRawValue(record);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
