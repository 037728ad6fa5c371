package dev.verge.cloud.telemetry;

import java.time.Instant;

/**
 * What telemetry says about one device (collection {@value TelemetryIngest#DEVICES_SEEN}): when it
 * last sent, how much, what the agent's journal dropped, what the cloud rejected, and the model version
 * of its latest record.
 * Merges like a rollup (sums and maxima), so it is updated exactly once per batch as well.
 */
public record DeviceSeen(String deviceId, String group, Instant lastSeen, Instant lastRecordAt, String model, String version,
                         long batches, long records, long dropped, long rejected) {

    DeviceSeen merge(DeviceSeen newer) {
        boolean newerRecord = newer.lastRecordAt != null && (lastRecordAt == null || newer.lastRecordAt.isAfter(lastRecordAt));
        // a request no model answered says nothing about the version the device serves
        boolean newerModel = newer.model != null && (newerRecord || model == null);
        return new DeviceSeen(deviceId, newer.group != null ? newer.group : group,
                max(lastSeen, newer.lastSeen),
                newerRecord ? newer.lastRecordAt : lastRecordAt,
                newerModel ? newer.model : model,
                newerModel ? newer.version : version,
                batches + newer.batches, records + newer.records, dropped + newer.dropped,
                rejected + newer.rejected);
    }

    private static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }
}
