package dev.verge.wire.status;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One shadow pair in an edge agent's status report ({@code shadows} of {@code POST /api/devices/{id}/status}): the candidate
 * {@code candidate} of model {@code model} run beside its serving {@code version} since {@code since}.
 *
 * @param percent              the share of the model's requests the candidate is meant to see
 * @param pairs                pictures both answered
 * @param agreements           of those, how many got the same top label (both empty counts as the same, for a detector)
 * @param agreement            agreements / pairs, null without pairs
 * @param meanConfidenceShift  mean of (candidate's probability of the served top label - the served probability)
 * @param meanAbsConfidenceShift mean of its absolute value
 * @param candidateLatencyMs   the candidate's p50/p95/p99 (decode, preprocess and inference), null without pairs
 * @param dropped              pictures skipped because the candidate was still busy (the queue was full)
 * @param failures             pictures the candidate failed on (it answered an error where the served version did not)
 */
@JsonPropertyOrder({"model", "version", "candidate", "percent", "since", "pairs", "agreements", "agreement",
        "meanConfidenceShift", "meanAbsConfidenceShift", "candidateLatencyMs", "dropped", "failures"})
public record ShadowReport(String model, String version, String candidate, int percent, String since, long pairs,
                           long agreements, Double agreement, Double meanConfidenceShift, Double meanAbsConfidenceShift,
                           Latency candidateLatencyMs, long dropped, long failures) {}
