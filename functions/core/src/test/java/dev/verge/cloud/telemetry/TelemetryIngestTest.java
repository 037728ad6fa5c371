package dev.verge.cloud.telemetry;

import static dev.verge.cloud.testing.TelemetryBatches.batch;
import static dev.verge.cloud.testing.TelemetryBatches.newBatchId;
import static dev.verge.cloud.testing.TelemetryBatches.record;
import static dev.verge.cloud.testing.TelemetryBatches.records;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.analytics.AnalyticsConfig;
import dev.verge.cloud.analytics.RollupStore;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.testing.AnalyticsHarness;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import dev.verge.cloud.testing.TelemetryBatches;
import dev.verge.cloud.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(60)
class TelemetryIngestTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:30:00Z");
    private static final Instant HOUR = Instant.parse("2026-12-02T10:00:00Z");

    private final TestClock clock = new TestClock(NOW);
    private final AnalyticsHarness cloud = new AnalyticsHarness(clock, AnalyticsConfig.defaults());

    private static List<ObjectNode> threeRecords() {
        return List.of(
                record(HOUR.plusSeconds(60), "fruit-quality", "1", 200, "ripe", 0.97, 2.1),
                record(HOUR.plusSeconds(120), "fruit-quality", "1", 200, "unripe", 0.62, 3.4),
                record(HOUR.plusSeconds(180), "fruit-quality", "1", 500, null, 0, 1.0));
    }

    @Test
    void ingest_aBatch_answersAcceptedAndCountsIt() {
        String id = newBatchId();
        ApiResponse response = cloud.postBatch("cam-1", batch(id, "cam-1", 0, threeRecords()));

        assertThat(response.status()).isEqualTo(200);
        JsonNode body = AnalyticsHarness.json(response);
        assertThat(body.get("batchId").asText()).isEqualTo(id);
        assertThat(body.get("accepted").asInt()).isEqualTo(3);
        assertThat(body.get("duplicate").asBoolean()).isFalse();
        JsonNode totals = cloud.analytics("model=fruit-quality").get("totals");
        assertThat(totals.get("requests").asLong()).isEqualTo(3);
        assertThat(totals.get("errors").asLong()).isEqualTo(1);
        assertThat(totals.get("labels").get("ripe").asLong()).isEqualTo(1);
    }

    @Test
    void ingest_theSameBatchTwice_countsItOnceAndSaysDuplicate() {
        ObjectNode batch = batch(newBatchId(), "cam-1", 4, threeRecords());
        cloud.postBatch("cam-1", batch);
        ApiResponse again = cloud.postBatch("cam-1", batch);

        assertThat(again.status()).isEqualTo(200);
        assertThat(AnalyticsHarness.json(again).get("duplicate").asBoolean()).isTrue();
        assertThat(AnalyticsHarness.json(again).get("accepted").asInt()).isEqualTo(3);
        assertThat(cloud.analytics("").get("totals").get("requests").asLong()).isEqualTo(3);
        assertThat(cloud.services.ingest().devices()).singleElement()
                .satisfies(d -> {
                    assertThat(d.batches()).isEqualTo(1);
                    assertThat(d.dropped()).isEqualTo(4);
                    assertThat(d.version()).isEqualTo("1");
                });
    }

    @Test
    void ingest_manyBatchesConcurrentlyIntoTheSameRollups_losesNoCount() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<ApiResponse>> answers = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            String device = "cam-" + (1 + i % 2);
            ObjectNode b = batch(newBatchId(), device, 0, threeRecords());
            answers.add(pool.submit(() -> cloud.postBatch(device, b)));
        }
        for (Future<ApiResponse> f : answers) {
            assertThat(f.get().status()).isEqualTo(200);
        }
        pool.shutdown();
        JsonNode totals = cloud.analytics("group=line-1").get("totals");
        assertThat(totals.get("requests").asLong()).isEqualTo(240);
        assertThat(totals.get("errors").asLong()).isEqualTo(80);
        assertThat(cloud.analytics("device=cam-1").get("totals").get("requests").asLong()).isEqualTo(120);
    }

    @Test
    void ingest_aBatchWhoseFirstAttemptDiedHalfWay_isFinishedOnceByTheRetry() {
        AtomicBoolean crash = new AtomicBoolean(true);
        MetadataStore crashing = new CrashingStore(new InMemoryMetadataStore(), (collection) -> {
            // the function dies after the first rollup was written, before the second
            if (crash.get() && collection.equals(RollupStore.DEVICE_ROLLUPS)) {
                crash.set(false);
                throw new IllegalStateException("the function was killed");
            }
        });
        AnalyticsHarness flaky = new AnalyticsHarness(clock, AnalyticsConfig.defaults(), crashing);
        ObjectNode batch = batch(newBatchId(), "cam-1", 0, threeRecords());

        assertThat(flaky.postBatch("cam-1", batch).status()).isEqualTo(500);
        assertThat(flaky.postBatch("cam-1", batch).status()).as("too soon: the first attempt may still be running").isEqualTo(409);
        clock.advance(Duration.ofMinutes(3));
        ApiResponse retry = flaky.postBatch("cam-1", batch);
        ApiResponse duplicate = flaky.postBatch("cam-1", batch);

        assertThat(retry.status()).isEqualTo(200);
        assertThat(AnalyticsHarness.json(retry).get("duplicate").asBoolean()).isFalse();
        assertThat(AnalyticsHarness.json(duplicate).get("duplicate").asBoolean()).isTrue();
        assertThat(flaky.analytics("").get("totals").get("requests").asLong()).isEqualTo(3);
        assertThat(flaky.analytics("device=cam-1").get("totals").get("requests").asLong()).isEqualTo(3);
    }

    /** A batch marker as stored before the idempotency ledger: its own {@code state}, no ledger stamp. */
    private void markedBeforeTheLedger(String batchId, String state, Instant receivedAt) {
        cloud.metadata.create(TelemetryIngest.BATCHES, "cam-1/" + batchId, "{\"batchId\":\"" + batchId + "\",\"deviceId\":\"cam-1\","
                + "\"state\":\"" + state + "\",\"receivedAt\":\"" + receivedAt + "\",\"attempt\":1,\"accepted\":3,"
                + "\"dropped\":0,\"applied\":[],\"rejected\":0,\"rejections\":[]}");
    }

    @Test
    void ingest_batchAppliedBeforeTheLedger_isADuplicateAndCountsNothing() {
        String id = newBatchId();
        markedBeforeTheLedger(id, "APPLIED", NOW.minus(Duration.ofHours(1)));

        ApiResponse again = cloud.postBatch("cam-1", batch(id, "cam-1", 0, threeRecords()));

        assertThat(again.status()).isEqualTo(200);
        assertThat(AnalyticsHarness.json(again).get("duplicate").asBoolean()).isTrue();
        assertThat(AnalyticsHarness.json(again).get("accepted").asInt()).isEqualTo(3);
        assertThat(cloud.analytics("").get("totals").get("requests").asLong()).isZero();
    }

    @Test
    void ingest_batchLeftApplyingBeforeTheLedger_isWaitedForThenFinishedByTheRetry() {
        String id = newBatchId();
        markedBeforeTheLedger(id, "APPLYING", NOW);
        ObjectNode batch = batch(id, "cam-1", 0, threeRecords());

        assertThat(cloud.postBatch("cam-1", batch).status()).as("the earlier attempt may still be running").isEqualTo(409);
        clock.advance(Duration.ofMinutes(3));
        ApiResponse retry = cloud.postBatch("cam-1", batch);

        assertThat(retry.status()).isEqualTo(200);
        assertThat(AnalyticsHarness.json(retry).get("duplicate").asBoolean()).isFalse();
        assertThat(cloud.analytics("").get("totals").get("requests").asLong()).isEqualTo(3);
        assertThat(AnalyticsHarness.json(cloud.postBatch("cam-1", batch)).get("duplicate").asBoolean()).isTrue();
    }

    @Test
    void ingest_unfinishedBatchIdReusedForOtherRecords_is409AndChangesNothing() {
        AtomicBoolean crash = new AtomicBoolean(true);
        MetadataStore crashing = new CrashingStore(new InMemoryMetadataStore(), collection -> {
            if (crash.get() && collection.equals(RollupStore.GROUP_ROLLUPS)) {
                crash.set(false);
                throw new IllegalStateException("the function was killed");
            }
        });
        AnalyticsHarness flaky = new AnalyticsHarness(clock, AnalyticsConfig.defaults(), crashing);
        String id = newBatchId();
        assertThat(flaky.postBatch("cam-1", batch(id, "cam-1", 0, threeRecords())).status()).isEqualTo(500);
        clock.advance(Duration.ofMinutes(3));

        ApiResponse other = flaky.postBatch("cam-1", batch(id, "cam-1", 0, threeRecords().subList(0, 2)));

        assertThat(other.status()).isEqualTo(409);
        assertThat(AnalyticsHarness.json(other).get("error").asText()).isEqualTo("batch_conflict");
        assertThat(flaky.analytics("").get("totals").get("requests").asLong()).isZero();
    }

    @Test
    void ingest_gzipBody_isAccepted() {
        byte[] gz = TelemetryBatches.gzip(TelemetryBatches.json(batch(newBatchId(), "cam-1", 0, threeRecords())));
        ApiResponse response = cloud.post("/api/telemetry", "cam-1", gz,
                Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(cloud.analytics("").get("totals").get("requests").asLong()).isEqualTo(3);
    }

    @Test
    void ingest_bodySayingGzipThatIsNot_is400() {
        ApiResponse response = cloud.post("/api/telemetry", "cam-1",
                TelemetryBatches.json(batch(newBatchId(), "cam-1", 0, threeRecords())),
                Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(AnalyticsHarness.json(response).get("error").asText()).isEqualTo("gzip_invalid");
    }

    @Test
    void ingest_gzipThatInflatesPastTheLimit_is413AndCountsNothing() {
        AnalyticsHarness small = new AnalyticsHarness(clock, AnalyticsConfig.defaults().withMaxBatch(64 * 1024, 50_000));
        List<ObjectNode> many = records(1, 2_000, HOUR, 1, "fruit-quality", "1", 0.5, 0);
        byte[] gz = TelemetryBatches.gzip(TelemetryBatches.json(batch(newBatchId(), "cam-1", 0, many)));
        assertThat(gz.length).isLessThan(64 * 1024);

        ApiResponse response = small.post("/api/telemetry", "cam-1", gz,
                Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"));

        assertThat(response.status()).isEqualTo(413);
        assertThat(AnalyticsHarness.json(response).get("error").asText()).isEqualTo("body_too_large");
        assertThat(small.analytics("").get("totals").get("requests").asLong()).isZero();
    }

    @Test
    void ingest_moreRecordsThanAllowed_is413() {
        AnalyticsHarness small = new AnalyticsHarness(clock, AnalyticsConfig.defaults().withMaxBatch(16 << 20, 10));
        ApiResponse response = small.postBatch("cam-1", batch(newBatchId(), "cam-1", 0,
                records(1, 11, HOUR, 1, "fruit-quality", "1", 0.5, 0)));

        assertThat(response.status()).isEqualTo(413);
        assertThat(AnalyticsHarness.json(response).get("error").asText()).isEqualTo("batch_too_large");
    }

    /** A malformed batch, the status it gets, and what the reason must name. */
    record Malformed(String name, String body, int status, String code, String reasonContains) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Malformed> malformed() {
        String ok = "{\"time\":\"2026-12-02T10:01:00Z\",\"model\":\"fruit-quality\",\"version\":\"1\",\"status\":200,"
                + "\"label\":\"ripe\",\"probability\":0.9,\"inferMs\":2.0}";
        String head = "{\"batchId\":\"b-1\",\"deviceId\":\"cam-1\",\"records\":[";
        return List.of(
                new Malformed("not json", "{\"batchId\": ", 400, "json_invalid", "invalid JSON"),
                new Malformed("an array", "[1,2]", 400, "telemetry_invalid", "expected a JSON object"),
                new Malformed("no batchId", "{\"deviceId\":\"cam-1\",\"records\":[]}", 400, "telemetry_invalid", "batchId"),
                new Malformed("bad batchId", "{\"batchId\":\"../x\",\"deviceId\":\"cam-1\",\"records\":[]}", 400, "telemetry_invalid", "batchId"),
                new Malformed("no records", "{\"batchId\":\"b-1\",\"deviceId\":\"cam-1\"}", 400, "telemetry_invalid", "records"),
                new Malformed("records not an array", "{\"batchId\":\"b-1\",\"deviceId\":\"cam-1\",\"records\":{}}", 400,
                        "telemetry_invalid", "records: expected an array"),
                new Malformed("negative dropped", "{\"batchId\":\"b-1\",\"deviceId\":\"cam-1\",\"dropped\":-1,\"records\":[]}", 400,
                        "telemetry_invalid", "dropped"),
                new Malformed("garbage after the batch", head + ok + "]} trailing", 400, "json_invalid", "invalid JSON"),
                // leading zero bytes make Jackson read UTF-32, which then fails outside JsonProcessingException
                new Malformed("bytes that are not text", "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0n,]ull nuT", 400,
                        "json_invalid", "not text"),
                new Malformed("another device's id", "{\"batchId\":\"b-1\",\"deviceId\":\"cam-2\",\"records\":[" + ok + "]}", 403,
                        "device_mismatch", "cam-1"));
    }

    /** A record the cloud cannot count, its index among the batch's records, and the field its rejection names. */
    record BadRecord(String name, List<String> records, int index, String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<BadRecord> badRecords() {
        String ok = "{\"time\":\"2026-12-02T10:01:00Z\",\"model\":\"fruit-quality\",\"version\":\"1\",\"status\":200,"
                + "\"label\":\"ripe\",\"probability\":0.9,\"inferMs\":2.0}";
        return List.of(
                new BadRecord("status not a number", List.of(ok, ok, ok.replace("\"status\":200", "\"status\":\"abc\"")), 2,
                        "records[2].status"),
                new BadRecord("probability above 1", List.of(ok, ok.replace("0.9", "1.5")), 1, "records[1].probability"),
                new BadRecord("time not ISO-8601", List.of(ok.replace("2026-12-02T10:01:00Z", "yesterday"), ok), 0, "records[0].time"),
                new BadRecord("time far in the future", List.of(ok, ok.replace("2026-12-02", "2027-12-02")), 1, "records[1].time"),
                new BadRecord("model with a slash", List.of(ok.replace("fruit-quality", "../etc")), 0, "records[0].model"),
                new BadRecord("missing version", List.of(ok, ok.replace("\"version\":\"1\",", "")), 1, "records[1].version"),
                new BadRecord("version without a model", List.of(ok.replace("\"model\":\"fruit-quality\",", ""), ok), 0,
                        "records[0].model"),
                new BadRecord("negative latency", List.of(ok.replace("2.0", "-2.0"), ok), 0, "records[0].inferMs"),
                new BadRecord("record not an object", List.of(ok, "42", ok), 1, "records[1]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRecords")
    void ingest_oneBadRecord_isRejectedAloneWithItsIndexAndTheOthersCounted(BadRecord bad) {
        String body = "{\"batchId\":\"b-1\",\"deviceId\":\"cam-1\",\"records\":[" + String.join(",", bad.records()) + "]}";
        ApiResponse response = cloud.post("/api/telemetry", "cam-1", body.getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json"));

        assertThat(response.status()).as(AnalyticsHarness.text(response)).isEqualTo(200);
        JsonNode answer = AnalyticsHarness.json(response);
        int good = bad.records().size() - 1;
        assertThat(answer.get("accepted").asInt()).isEqualTo(good);
        assertThat(answer.get("rejected").asInt()).isEqualTo(1);
        assertThat(answer.get("rejections")).hasSize(1);
        assertThat(answer.get("rejections").get(0).get("index").asInt()).isEqualTo(bad.index());
        assertThat(answer.get("rejections").get(0).get("field").asText()).isEqualTo(bad.field());
        assertThat(answer.get("rejections").get(0).get("reason").asText()).startsWith("expected");
        JsonNode device = cloud.analytics("device=cam-1").get("totals");
        assertThat(device.get("requests").asLong()).isEqualTo(good);
        assertThat(device.get("rejected").asLong()).isEqualTo(1);
        assertThat(cloud.analytics("model=fruit-quality").get("totals").get("requests").asLong()).isEqualTo(good);
        assertThat(cloud.services.ingest().devices()).singleElement()
                .satisfies(d -> assertThat(d.rejected()).isEqualTo(1));
    }

    @Test
    void ingest_batchWithRejectionsSentAgain_isADuplicateWithTheSameAnswerCountedOnce() {
        ObjectNode bad = record(HOUR, "fruit-quality", "1", 200, "ripe", 0.9, 2);
        bad.put("probability", 7);
        ObjectNode batch = batch(newBatchId(), "cam-1", 0, List.of(record(HOUR, "fruit-quality", "1", 200, "ripe", 0.9, 2), bad));
        JsonNode first = AnalyticsHarness.json(cloud.postBatch("cam-1", batch));
        JsonNode again = AnalyticsHarness.json(cloud.postBatch("cam-1", batch));

        assertThat(again.get("duplicate").asBoolean()).isTrue();
        assertThat(again.get("accepted")).isEqualTo(first.get("accepted"));
        assertThat(again.get("rejected").asInt()).isEqualTo(1);
        assertThat(again.get("rejections")).isEqualTo(first.get("rejections"));
        assertThat(cloud.analytics("device=cam-1").get("totals").get("rejected").asLong()).isEqualTo(1);
    }

    @Test
    void ingest_manyBadRecords_countsThemAllAndListsTheFirstFifty() {
        List<ObjectNode> records = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            ObjectNode r = record(HOUR, "fruit-quality", "1", 200, "ripe", 0.9, 2);
            if (i % 2 == 1) {
                r.put("status", 42);
            }
            records.add(r);
        }
        JsonNode answer = AnalyticsHarness.json(cloud.postBatch("cam-1", batch(newBatchId(), "cam-1", 0, records)));

        assertThat(answer.get("accepted").asInt()).isEqualTo(60);
        assertThat(answer.get("rejected").asInt()).isEqualTo(60);
        assertThat(answer.get("rejections")).hasSize(50);
        assertThat(answer.get("rejections").get(49).get("index").asInt()).isEqualTo(99);
    }

    @Test
    void ingest_recordsNoModelAnswered_areCountedForTheDeviceUnderNoModel() {
        ObjectNode beforeModel = record(HOUR, "fruit-quality", "1", 503, null, 0, 0);
        beforeModel.putNull("model").putNull("version").put("error", "model_not_ready").putNull("inferMs");
        ObjectNode refusedUrl = beforeModel.deepCopy().put("status", 415).put("route", "url").put("error", "unsupported_media_type");
        List<ObjectNode> records = new ArrayList<>(List.of(beforeModel, beforeModel, refusedUrl));
        records.add(record(HOUR, "fruit-quality", "1", 200, "ripe", 0.9, 2));
        JsonNode answer = AnalyticsHarness.json(cloud.postBatch("cam-1", batch(newBatchId(), "cam-1", 0, records)));

        assertThat(answer.get("accepted").asInt()).isEqualTo(4);
        assertThat(answer.get("rejected").asInt()).isZero();
        JsonNode device = cloud.analytics("device=cam-1");
        assertThat(device.get("totals").get("requests").asLong()).isEqualTo(4);
        assertThat(device.get("totals").get("errors").asLong()).isEqualTo(2);
        assertThat(device.get("totals").get("clientErrors").asLong()).isEqualTo(1);
        assertThat(device.get("noModel").get("requests").asLong()).isEqualTo(3);
        assertThat(device.get("versions")).singleElement().satisfies(v -> assertThat(v.get("requests").asLong()).isEqualTo(1));
        assertThat(cloud.analytics("").get("noModel").get("requests").asLong()).isEqualTo(3);
        assertThat(cloud.analytics("model=fruit-quality").get("totals").get("requests").asLong()).isEqualTo(1);
        assertThat(cloud.services.ingest().devices()).singleElement()
                .satisfies(d -> assertThat(d.version()).isEqualTo("1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void ingest_malformedBatch_isRefusedWithTheFieldAndChangesNothing(Malformed m) {
        ApiResponse response = cloud.post("/api/telemetry", "cam-1", m.body().getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json"));

        assertThat(response.status()).as(AnalyticsHarness.text(response)).isEqualTo(m.status());
        JsonNode error = AnalyticsHarness.json(response);
        assertThat(error.get("error").asText()).isEqualTo(m.code());
        assertThat(error.get("message").asText()).contains(m.reasonContains());
        assertThat(cloud.metadata.list(RollupStore.GROUP_ROLLUPS, "")).isEmpty();
        assertThat(cloud.metadata.list(TelemetryIngest.BATCHES, "")).isEmpty();
    }

    @Test
    void ingest_withoutDeviceKey_is401() {
        ApiResponse response = cloud.post("/api/telemetry", null,
                TelemetryBatches.json(batch(newBatchId(), "cam-1", 0, threeRecords())), Map.of("X-Device-Id", "cam-1"));
        assertThat(response.status()).isEqualTo(401);
        assertThat(AnalyticsHarness.json(response).get("error").asText()).isEqualTo("device_unauthorized");
    }

    @Test
    void ingest_withAnotherDevicesKey_is401() {
        ApiResponse response = cloud.post("/api/telemetry", null,
                TelemetryBatches.json(batch(newBatchId(), "cam-1", 0, threeRecords())),
                Map.of("X-Device-Id", "cam-1", "X-Device-Key", cloud.key("cam-2")));
        assertThat(response.status()).isEqualTo(401);
    }

    @Test
    void ingest_wrongContentType_is415() {
        ApiResponse response = cloud.post("/api/telemetry", "cam-1",
                TelemetryBatches.json(batch(newBatchId(), "cam-1", 0, threeRecords())), Map.of("Content-Type", "text/plain"));
        assertThat(response.status()).isEqualTo(415);
    }

    @Test
    void ingest_versionSentAsANumber_isCountedUnderItsText() {
        ObjectNode r = record(HOUR, "fruit-quality", "1", 200, "ripe", 0.9, 2);
        r.put("version", 3);
        assertThat(cloud.postBatch("cam-1", batch(newBatchId(), "cam-1", 0, List.of(r))).status()).isEqualTo(200);
        assertThat(cloud.analytics("model=fruit-quality&version=3").get("totals").get("requests").asLong()).isEqualTo(1);
    }

    /** A metadata store that runs a hook before each update, to simulate a function killed mid-batch. */
    private record CrashingStore(MetadataStore delegate, Consumer<String> beforeWrite) implements MetadataStore {
        @Override
        public boolean create(String collection, String key, String json, java.time.Instant expiresAt) {
            beforeWrite.accept(collection);
            return delegate.create(collection, key, json, expiresAt);
        }

        @Override
        public boolean update(String collection, String key, long expectedRevision, String json, java.time.Instant expiresAt) {
            beforeWrite.accept(collection);
            return delegate.update(collection, key, expectedRevision, json, expiresAt);
        }

        @Override
        public Page page(String collection, String keyPrefix, String after, int limit) {
            return delegate.page(collection, keyPrefix, after, limit);
        }

        @Override
        public Optional<Document> get(String collection, String key) {
            return delegate.get(collection, key);
        }

        @Override
        public List<Document> list(String collection, String keyPrefix) {
            return delegate.list(collection, keyPrefix);
        }

        @Override
        public boolean delete(String collection, String key) {
            return delegate.delete(collection, key);
        }
    }
}
