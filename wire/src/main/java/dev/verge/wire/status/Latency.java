package dev.verge.wire.status;

/** Latency quantiles in milliseconds, rounded to 0.01. */
public record Latency(double p50, double p95, double p99) {}
