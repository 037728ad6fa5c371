package dev.verge.cloud.telemetry;

import dev.verge.wire.telemetry.TelemetryAnswer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The record of one telemetry batch (collection {@value TelemetryIngest#BATCHES}, key
 * {@code <device>/<batchId>}). Creating it is the atomic "have we seen this batch" check. It is
 * created {@code APPLYING}; the id of each rollup the batch was merged into is added to
 * {@code applied} right after the merge, and it ends {@code APPLIED}. A function that dies half-way
 * leaves it {@code APPLYING}, and the device's retry (which carries the same records) merges only the
 * rollups not listed yet. {@code rejected} and the first {@link TelemetryAnswer#MAX_LISTED} rejections are
 * kept so that a duplicate gets the first answer again.
 */
public record BatchMarker(String batchId, String deviceId, State state, Instant receivedAt, int attempt, int accepted,
                          long dropped, List<String> applied, int rejected, List<TelemetryAnswer.Rejection> rejections) {

    /** Where the batch is. */
    public enum State { APPLYING, APPLIED }

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
        return new BatchMarker(batchId, deviceId, state, receivedAt, attempt, accepted, dropped, more, rejected, rejections);
    }

    BatchMarker done() {
        return new BatchMarker(batchId, deviceId, State.APPLIED, receivedAt, attempt, accepted, dropped, List.of(), rejected, rejections);
    }

    BatchMarker claimed(Instant now) {
        return new BatchMarker(batchId, deviceId, state, now, attempt + 1, accepted, dropped, applied, rejected, rejections);
    }
}
