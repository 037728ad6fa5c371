package dev.verge.cloud.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/** Telemetry batches as an edge agent sends them (contracts: telemetry), for ingest and analytics tests. */
public final class TelemetryBatches {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TelemetryBatches() {}

    /** One record: {@code status} 200 gets {@code label}/{@code probability}, others an error code. */
    public static ObjectNode record(Instant time, String model, String version, int status, String label, double probability,
                                    double inferMs) {
        ObjectNode r = MAPPER.createObjectNode();
        r.put("time", time.toString()).put("model", model).put("version", version).put("route", "image").put("status", status);
        if (status < 400) {
            r.putNull("error").put("label", label).put("probability", probability);
        } else {
            r.put("error", status >= 500 ? "inference_failed" : "image_unsupported_format").putNull("label").putNull("probability");
        }
        r.put("decodeMs", 1.0).put("preprocessMs", 0.5).put("inferMs", inferMs).put("inputBytes", 12345).putNull("detections");
        return r;
    }

    public static ObjectNode batch(String batchId, String deviceId, long dropped, List<ObjectNode> records) {
        ObjectNode b = MAPPER.createObjectNode();
        b.put("batchId", batchId).put("deviceId", deviceId).put("sentAt", Instant.now().toString()).put("dropped", dropped);
        ArrayNode array = b.putArray("records");
        records.forEach(array::add);
        return b;
    }

    /**
     * {@code count} records spread over {@code hours} hours from {@code start}: a share {@code ripeShare}
     * labelled ripe (probability ~0.9), the rest unripe (probability ~0.6), every {@code errorEvery}-th a 500.
     */
    public static List<ObjectNode> records(long seed, int count, Instant start, int hours, String model, String version,
                                           double ripeShare, int errorEvery) {
        Random random = new Random(seed);
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> {
            Instant t = start.plus(Duration.ofSeconds((long) (random.nextDouble() * hours * 3600)));
            if (errorEvery > 0 && i % errorEvery == errorEvery - 1) {
                return record(t, model, version, 500, null, 0, 3 + random.nextDouble());
            }
            boolean ripe = random.nextDouble() < ripeShare;
            double p = ripe ? 0.85 + random.nextDouble() * 0.15 : 0.5 + random.nextDouble() * 0.2;
            return record(t, model, version, 200, ripe ? "ripe" : "unripe", Math.min(1, p), 2 + random.nextDouble() * 8);
        }).toList();
    }

    public static String newBatchId() {
        return UUID.randomUUID().toString();
    }

    public static byte[] json(ObjectNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
