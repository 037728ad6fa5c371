package dev.verge.edge.telemetry;

import java.util.List;

/**
 * A batch the journal handed out and keeps until the cloud acknowledges it: its id and record range are
 * persisted, so a retry after a crash sends the same id with the same records and the cloud's
 * idempotency on batch id holds.
 *
 * @param batchId  the id the cloud deduplicates on
 * @param firstId  the journal id of its first record
 * @param lastId   the journal id of its last record
 * @param dropped  records the journal dropped (cap, TTL, full queue) before this batch was formed
 * @param records  the records' JSON, oldest first
 */
public record JournalBatch(String batchId, long firstId, long lastId, long dropped, List<String> records) {
    public JournalBatch {
        records = List.copyOf(records);
    }
}
