package dev.verge.wire.status;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One model an edge agent serves, in its status report ({@code models} of {@code POST /api/devices/{id}/status};
 * the report's own {@code model} and {@code version} are the default one's).
 *
 * @param state     {@code serving} (loaded) or {@code unloaded} (kept within the agent's --max-loaded-models; the
 *                  next request that names it loads it again)
 * @param isDefault {@code "default"}: the model plain {@code /image} and {@code /url} answer with
 * @param requests  the model's own answers since the previous report (the report's totals count every model's)
 * @param errors    of those, the ones with status 500 or above
 * @param latencyMs their p50/p95/p99; null without requests
 */
@JsonPropertyOrder({"name", "version", "state", "default", "requests", "errors", "latencyMs"})
public record ModelStatus(String name, String version, String state, @JsonProperty("default") boolean isDefault,
                          long requests, long errors, Latency latencyMs) {}
