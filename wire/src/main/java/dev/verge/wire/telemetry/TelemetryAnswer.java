package dev.verge.wire.telemetry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The cloud's 200 answer to a {@link TelemetryBatch}. Every well-formed record is counted; a record the
 * cloud cannot count is rejected on its own, never with its batch: {@code accepted + rejected} is the
 * batch's record count. The batch is done either way and must not be sent again.
 *
 * @param rejections the first {@link #MAX_LISTED} rejected records with their index and reason
 * @param duplicate  true when the cloud had this batch id already (the counts are the first answer's)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TelemetryAnswer(String batchId, int accepted, int rejected, List<Rejection> rejections, boolean duplicate) {
    /** Rejections listed in an answer (and kept for a duplicate's answer), at most; the rest are only counted. */
    public static final int MAX_LISTED = 50;

    public TelemetryAnswer {
        rejections = rejections == null ? List.of() : List.copyOf(rejections);
    }

    /**
     * One record the cloud did not count.
     *
     * @param index  its position in the batch's {@code records}, from 0
     * @param field  the field at fault, for example {@code records[3].status}
     * @param reason what was expected and what was found
     */
    public record Rejection(int index, String field, String reason) {}
}
