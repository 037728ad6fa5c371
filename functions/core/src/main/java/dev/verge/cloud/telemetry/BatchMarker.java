package dev.verge.cloud.telemetry;

import dev.verge.cloud.analytics.Rollup;
import java.time.Instant;
import java.util.List;

/**
 * The record of one telemetry batch (collection {@value TelemetryIngest#BATCHES}, key
 * {@code <device>/<batchId>}). Creating it is the atomic "have we seen this batch" check. It is
 * created {@code APPLYING} with the batch's rollup deltas, each delta is removed from {@code pending}
 * once merged into its rollup, and it ends {@code APPLIED} with nothing pending: a function that dies
 * half-way leaves the remaining deltas here, and the device's retry finishes them.
 */
public record BatchMarker(String batchId, String deviceId, State state, Instant receivedAt, int attempt, int accepted,
                          long dropped, List<Rollup> pending, DeviceSeen seen) {

    /** Where the batch is. */
    public enum State { APPLYING, APPLIED }

    BatchMarker withPending(List<Rollup> rest, DeviceSeen stillToApply) {
        return new BatchMarker(batchId, deviceId, state, receivedAt, attempt, accepted, dropped, rest, stillToApply);
    }

    BatchMarker applied() {
        return new BatchMarker(batchId, deviceId, State.APPLIED, receivedAt, attempt, accepted, dropped, List.of(), null);
    }

    BatchMarker claimed(Instant now) {
        return new BatchMarker(batchId, deviceId, state, now, attempt + 1, accepted, dropped, pending, seen);
    }
}
