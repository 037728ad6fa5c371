package dev.verge.edge.telemetry;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.verge.inference.json.Json;
import dev.verge.wire.telemetry.TelemetryAnswer;
import dev.verge.wire.telemetry.TelemetryBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * Sends the journal to {@code POST /api/telemetry}, one gzipped batch at a time, oldest first, until the
 * journal is empty. A batch leaves the journal only when the cloud accepted it: a 200 with its
 * {@link TelemetryAnswer}, which counts each record as accepted or rejected (a record the cloud cannot
 * read is rejected on its own, with its index and reason; it is counted and logged here, never resent).
 * When the cloud cannot take the batch, or refuses it whole (400, 413, 415: a cloud that does not answer
 * per record, or a bug on one side), the batch stays, persisted with its id, and
 * {@link CloudUnavailableException} tells the {@link Uplink} to back off: nothing is deleted unanswered.
 */
final class TelemetrySender implements Uplink.Delivery {
    private static final System.Logger LOG = System.getLogger(TelemetrySender.class.getName());

    private final TelemetryJournal journal;
    private final TelemetryApiClient cloud;
    private final String deviceId;
    private final int batchSize;
    private final Clock clock;
    private final TelemetryMetrics metrics;
    private final RateLimitedLog rejectionLog;

    TelemetrySender(TelemetryJournal journal, TelemetryApiClient cloud, String deviceId, int batchSize, Clock clock,
            TelemetryMetrics metrics) {
        this.journal = journal;
        this.cloud = cloud;
        this.deviceId = deviceId;
        this.batchSize = batchSize;
        this.clock = clock;
        this.metrics = metrics;
        this.rejectionLog = new RateLimitedLog(LOG, Duration.ofMinutes(1), clock);
    }

    @Override
    public void deliver(Runnable progressed) {
        Optional<JournalBatch> next;
        while ((next = journal.nextBatch(batchSize)).isPresent()) {
            send(next.get());
            progressed.run();
        }
    }

    private void send(JournalBatch batch) {
        String body;
        try {
            body = cloud.postTelemetry(gzippedJson(batch));
        } catch (TelemetryApiClient.Refused e) {
            metrics.batchRefused();
            rejectionLog.log(System.Logger.Level.ERROR, "telemetry batch " + batch.batchId() + " of " + batch.records().size()
                    + " record(s) refused whole; keeping it and retrying with backoff: " + e.getMessage());
            throw new CloudUnavailableException("the cloud refused telemetry batch " + batch.batchId() + ": " + e.getMessage());
        } catch (CloudUnavailableException e) {
            metrics.sendFailed();
            throw e;
        }
        TelemetryAnswer answer = answer(batch, body);
        journal.acknowledge(batch);
        metrics.delivered(answer.accepted(), answer.rejected(), answer.duplicate());
        if (answer.rejected() > 0) {
            TelemetryAnswer.Rejection first = answer.rejections().isEmpty() ? null : answer.rejections().get(0);
            rejectionLog.log(System.Logger.Level.WARNING, "telemetry batch " + batch.batchId() + ": the cloud rejected "
                    + answer.rejected() + " of " + batch.records().size() + " record(s)"
                    + (first == null ? "" : ", first records[" + first.index() + "]: " + first.field() + ": " + first.reason()));
        }
    }

    /**
     * The cloud's answer. Every record of the batch is either accepted or rejected, so the accepted count is
     * what was not rejected; a 200 whose body does not read as an answer (an older cloud) accepted them all.
     * A duplicate carries the first answer's counts: that answer was lost, so they count now.
     */
    private static TelemetryAnswer answer(JournalBatch batch, String body) {
        int size = batch.records().size();
        TelemetryAnswer read;
        try {
            read = Json.mapper().readValue(body, TelemetryAnswer.class);
        } catch (IOException | RuntimeException e) {
            return new TelemetryAnswer(batch.batchId(), size, 0, null, false);
        }
        int rejected = Math.max(0, Math.min(size, read.rejected()));
        return new TelemetryAnswer(batch.batchId(), size - rejected, rejected, read.rejections(), read.duplicate());
    }

    /** The contract's batch; records are stored as JSON and copied in as they are. */
    byte[] gzippedJson(JournalBatch batch) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(batch.records().size() * 120 + 256);
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes);
                JsonGenerator json = Json.mapper().getFactory().createGenerator(gzip)) {
            json.writeStartObject();
            json.writeStringField(TelemetryBatch.BATCH_ID, batch.batchId());
            json.writeStringField(TelemetryBatch.DEVICE_ID, deviceId);
            json.writeStringField(TelemetryBatch.SENT_AT, clock.instant().toString());
            json.writeNumberField(TelemetryBatch.DROPPED, batch.dropped());
            json.writeArrayFieldStart(TelemetryBatch.RECORDS);
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
