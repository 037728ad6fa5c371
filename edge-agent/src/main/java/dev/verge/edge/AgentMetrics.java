package dev.verge.edge;

import dev.verge.inference.predict.Timings;
import dev.verge.inference.runtime.ModelInfo;
import dev.verge.inference.runtime.ModelSlot;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** The agent's Prometheus metrics, in a registry of its own so tests can run several agents. */
final class AgentMetrics {
    private static final double NANOS_PER_SECOND = 1e9;
    /** Seconds; from sub-millisecond tiny models to multi-second ones on a Pi. */
    private static final double[] LATENCY_BUCKETS = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };

    private final PrometheusRegistry registry;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Counter requests;
    private final Histogram requestDuration;
    private final Histogram stageDuration;
    private final Gauge inFlight;
    private final Gauge waitingForInference;
    private final Histogram waitDuration;
    private final Counter errors;

    AgentMetrics(ModelSlot slot) {
        this(ModelShelf.around(slot), new PrometheusRegistry());
    }

    AgentMetrics(ModelSlot slot, PrometheusRegistry registry) {
        this(ModelShelf.around(slot), registry);
    }

    /** Registers into {@code registry}, which may hold the metrics of other parts of the agent (telemetry). */
    AgentMetrics(ModelShelf models, PrometheusRegistry registry) {
        this.registry = registry;
        requests = Counter.builder()
                .name("verge_http_requests_total")
                .help("HTTP requests answered, by route and status code")
                .labelNames("route", "status")
                .register(registry);
        requestDuration = Histogram.builder()
                .name("verge_http_request_duration_seconds")
                .help("Time from request to answer, by route")
                .unit(Unit.SECONDS)
                .labelNames("route")
                .classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS)
                .withoutExemplars()
                .register(registry);
        stageDuration = Histogram.builder()
                .name("verge_inference_stage_duration_seconds")
                .help("Time of each stage of a prediction: decode, preprocess, infer")
                .unit(Unit.SECONDS)
                .labelNames("stage")
                .classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS)
                .withoutExemplars()
                .register(registry);
        inFlight = Gauge.builder()
                .name("verge_http_requests_in_flight")
                .help("Requests being handled now")
                .register(registry);
        waitingForInference = Gauge.builder()
                .name("verge_inferences_waiting")
                .help("Requests waiting for their turn to run the model")
                .register(registry);
        waitDuration = Histogram.builder()
                .name("verge_inference_wait_duration_seconds")
                .help("Time a request waited for its turn to run the model (queueing and thread hand-off)")
                .unit(Unit.SECONDS)
                .classicOnly()
                .classicUpperBounds(LATENCY_BUCKETS)
                .withoutExemplars()
                .register(registry);
        errors = Counter.builder()
                .name("verge_errors_total")
                .help("Error answers, by error code")
                .labelNames("code")
                .register(registry);
        GaugeWithCallback.builder()
                .name("verge_model_info")
                .help("Each model loaded (value 1), with its name, version, sha256 and ONNX Runtime version")
                .labelNames("name", "version", "sha256", "onnxruntime")
                .callback(callback -> models.loaded().forEach(
                        (ModelInfo m) -> callback.call(1, m.name(), m.version(), m.sha256(), m.onnxRuntimeVersion())))
                .register(registry);
        GaugeWithCallback.builder()
                .name("verge_models_loaded")
                .help("Models in memory now (at most --max-loaded-models)")
                .callback(callback -> callback.call(models.loaded().size()))
                .register(registry);
        CounterWithCallback.builder()
                .name("verge_model_unloads_total")
                .help("Models unloaded to keep within --max-loaded-models (least recently used first)")
                .callback(callback -> callback.call(models.unloadsTotal()))
                .register(registry);
        CounterWithCallback.builder()
                .name("verge_model_reloads_total")
                .help("Unloaded models loaded again because a request named them")
                .callback(callback -> callback.call(models.reloadsTotal()))
                .register(registry);
    }

    void requestStarted() {
        inFlight.inc();
    }

    void requestEnded() {
        inFlight.dec();
    }

    void requestCompleted(String route, int status, long nanos) {
        requests.labelValues(route, Integer.toString(status)).inc();
        requestDuration.labelValues(route).observe(nanos / NANOS_PER_SECOND);
    }

    void errorReported(String code) {
        errors.labelValues(code).inc();
    }

    void predicted(Timings timings) {
        stageDuration.labelValues("decode").observe(timings.decodeNanos() / NANOS_PER_SECOND);
        stageDuration.labelValues("preprocess").observe(timings.preprocessNanos() / NANOS_PER_SECOND);
        stageDuration.labelValues("infer").observe(timings.inferNanos() / NANOS_PER_SECOND);
    }

    void waitingStarted() {
        waitingForInference.inc();
    }

    void waitingEnded(long nanos) {
        waitingForInference.dec();
        waitDuration.observe(nanos / NANOS_PER_SECOND);
    }

    Reply scrape(Request ignored) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        writer.write(out, registry.scrape());
        return new Reply(200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
    }
}
