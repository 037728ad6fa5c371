package dev.verge.cloud.analytics;

/**
 * What one answered request adds to a rollup: its status, and for a successful prediction the top
 * label and its probability; latencies in milliseconds, null when the agent did not measure them.
 *
 * @param latencyMs the whole time spent on the request (decode + preprocess + infer)
 */
public record Observation(int status, String label, Double probability, Double latencyMs, Double inferMs) {}
