package dev.verge.cloud.telemetry;

import dev.verge.wire.telemetry.TelemetryAnswer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The record of one telemetry batch in the {@link dev.verge.cloud.port.IdempotencyLedger} (collection
 * {@value TelemetryIngest#BATCHES}, key {@code <device>/<batchId>}). While the batch is in progress it is the
 * batch's resumable progress: the id of each rollup the batch was merged into is added to {@code applied} right
 * after the merge. A function that dies half-way leaves it in progress, and the device's retry (which carries the
 * same records) takes the claim over and merges only the rollups not listed yet. Once completed it is the batch's
 * result ({@code applied} cleared): {@code rejected} and the first {@link TelemetryAnswer#MAX_LISTED} rejections are
 * kept so that a duplicate gets the first answer again. Records stored before the ledger said where they were in
 * {@code state} ({@code APPLYING}, {@code APPLIED}), which the ledger reads for them.
 */
public record BatchMarker(String batchId, String deviceId, Instant receivedAt, int attempt, int accepted,
                          long dropped, List<String> applied, int rejected, List<TelemetryAnswer.Rejection> rejections) {

    public BatchMarker {
        applied = applied == null ? List.of() : List.copyOf(applied);
        rejections = rejections == null ? List.of() : List.copyOf(rejections);
    }

    /** The answer the device got (or gets again, for a duplicate). */
    TelemetryAnswer answer(boolean duplicate) {
        return new TelemetryAnswer(batchId, accepted, rejected, rejections, duplicate);
    }

    BatchMarker with(String rollupId) {
        List<String> more = new ArrayList<>(applied);
        more.add(rollupId);
        return new BatchMarker(batchId, deviceId, receivedAt, attempt, accepted, dropped, more, rejected, rejections);
    }

    BatchMarker done() {
        return new BatchMarker(batchId, deviceId, receivedAt, attempt, accepted, dropped, List.of(), rejected, rejections);
    }

    BatchMarker claimed(Instant now) {
        return new BatchMarker(batchId, deviceId, now, attempt + 1, accepted, dropped, applied, rejected, rejections);
    }

    /** What tells the same batch from a reused batch id: its counts (the records themselves are not kept). */
    static String payloadHash(long accepted, long rejected, long dropped) {
        return dev.verge.cloud.port.IdempotencyLedger.payloadHash("accepted=" + accepted, "rejected=" + rejected,
                "dropped=" + dropped);
    }
}
