package dev.verge.wire.telemetry;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * {@code POST /api/telemetry}: what an edge agent sends, JSON, optionally {@code Content-Encoding: gzip}.
 * Both sides stream it (the agent copies stored records in, the cloud reads one record at a time), so
 * they use the field names below rather than binding the whole batch.
 *
 * @param batchId  1-128 letters, digits, '.', '_', ':' or '-'; the cloud counts a batch id once
 * @param deviceId the sending device, the same as its {@link dev.verge.wire.DeviceHeaders#DEVICE_ID}
 * @param sentAt   ISO-8601, informative
 * @param dropped  records the agent lost before this batch was formed (each counted once, in one batch)
 */
@JsonPropertyOrder({TelemetryBatch.BATCH_ID, TelemetryBatch.DEVICE_ID, TelemetryBatch.SENT_AT, TelemetryBatch.DROPPED,
        TelemetryBatch.RECORDS})
public record TelemetryBatch(String batchId, String deviceId, String sentAt, long dropped, List<TelemetryRecord> records) {
    public static final String PATH = "/api/telemetry";
    public static final String BATCH_ID = "batchId";
    public static final String DEVICE_ID = "deviceId";
    public static final String SENT_AT = "sentAt";
    public static final String DROPPED = "dropped";
    public static final String RECORDS = "records";
}
