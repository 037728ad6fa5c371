package dev.verge.bench;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.aws.AwsClients;
import dev.verge.cloud.aws.DynamoDbMetadataStore;
import dev.verge.cloud.devices.DeviceCredentials;
import dev.verge.cloud.local.SqliteMetadataStore;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.rollout.PackageSigner;
import dev.verge.cloud.testing.CountingMetadataStore;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.RegistryPackages;
import dev.verge.cloud.testing.TelemetryBatches;
import dev.verge.inference.json.Json;
import dev.verge.wire.DeviceHeaders;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A fleet against the cloud: N registered devices, A of them active, each a virtual thread that polls its
 * desired state and reports its status every 30 s and sends a telemetry batch every 10 s, as the agent does
 * by default; half way through, a 10 % canary of a new version goes out to the group. The cloud is
 * {@link CloudServices} called in process (the routing every runtime shares, without its HTTP layer) on the
 * local cloud's SQLite store or the AWS adapter's DynamoDB store on dynalite, with every store operation
 * counted at the port. One line per store and size on standard output, in the form scripts read:
 * <pre>
 * fleet store=local devices=1000 active=1000 seconds=60 requests=... status_p99_ms=... desired_p99_ms=...
 *     telemetry_p99_ms=... store_ops_per_request=... errors=0
 * </pre>
 */
final class FleetBench {
    private static final String KEY = "fleet-bench-api-key-0123456789abcdef";
    private static final String MODEL = "fruit-quality";
    private static final String GROUP = "fleet";
    private static final Duration POLL = Duration.ofSeconds(30);
    private static final Duration TELEMETRY = Duration.ofSeconds(10);
    /** Records per telemetry batch: a camera asking once a second, sent every 10 s. */
    private static final int RECORDS_PER_BATCH = 10;
    private static final int SEEDING_THREADS = 16;

    /**
     * @param readsPerRequest  gets and queries per device request (what DynamoDB bills as reads)
     * @param writesPerRequest creates, updates and deletes per device request (what it bills as writes)
     * @param cpuMsPerRequest  the cloud JVM's CPU time per device request: the function time of the cost model
     */
    record Row(String store, int devices, int active, long seconds, long requests, double statusP99Ms, double desiredP99Ms,
               double telemetryP99Ms, double storeOpsPerRequest, long documentsListedPerRequest, long errors,
               double seedSeconds, double readsPerRequest, double writesPerRequest, double cpuMsPerRequest,
               double readUnitsPerRequest, double writeUnitsPerRequest,
               Map<String, Long> operations, List<String> errorSamples) {

        String line() {
            return String.format(java.util.Locale.ROOT, "fleet store=%s devices=%d active=%d seconds=%d requests=%d"
                            + " status_p99_ms=%.1f desired_p99_ms=%.1f telemetry_p99_ms=%.1f store_ops_per_request=%.2f errors=%d",
                    store, devices, active, seconds, requests, statusP99Ms, desiredP99Ms, telemetryP99Ms, storeOpsPerRequest, errors);
        }
    }

    private final Path root;
    private final Path work;
    private final int active;
    private final int seconds;

    FleetBench(Path root, Path work, int active, int seconds) {
        this.root = root;
        this.work = work;
        this.active = active;
        this.seconds = seconds;
    }

    List<Row> run(List<Integer> sizes, List<String> stores) throws Exception {
        List<Row> rows = new ArrayList<>();
        AwsEmulators aws = stores.contains("dynamodb") ? new AwsEmulators(root) : null;
        try {
            for (String store : stores) {
                for (int devices : sizes) {
                    Row row = runOne(store, devices, aws);
                    System.out.println(row.line());
                    row.errorSamples().forEach(e -> System.err.println("bench: fleet error: " + e));
                    System.err.printf(java.util.Locale.ROOT, "bench: fleet %s %d: reads %.2f (%.2f RRU), writes %.2f (%.2f WRU), cloud CPU"
                                    + " %.2f ms per request; %d devices seeded in %.0f s%n", store, devices, row.readsPerRequest(),
                            row.readUnitsPerRequest(), row.writesPerRequest(), row.writeUnitsPerRequest(), row.cpuMsPerRequest(), devices,
                            row.seedSeconds());
                    row.operations().entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(12)
                            .forEach(e -> System.err.printf(java.util.Locale.ROOT, "bench: fleet %s %d: %s %.2f per request%n",
                                    store, devices, e.getKey(), row.requests() == 0 ? 0.0 : (double) e.getValue() / row.requests()));
                    rows.add(row);
                }
            }
        } finally {
            if (aws != null) {
                aws.close();
            }
        }
        return rows;
    }

    private Row runOne(String storeName, int devices, AwsEmulators aws) throws Exception {
        Files.createDirectories(work);
        MetadataStore backing = switch (storeName) {
            case "local" -> new SqliteMetadataStore(Files.createTempFile(work, "fleet-" + devices + "-", ".db"));
            case "dynamodb" -> dynamo(aws, "fleet-" + devices + "-" + System.nanoTime());
            default -> throw new IllegalArgumentException("expected a fleet store of local or dynamodb, found " + storeName);
        };
        CountingMetadataStore store = new CountingMetadataStore(backing);
        CloudServices cloud = CloudServices.create(new InMemoryBlobStore(), store, Clock.systemUTC(),
                CloudConfig.withApiKeys(KEY).withSigningKey(PackageSigner.generate().privateKeyBase64()));
        Fleet fleet = new Fleet(cloud);
        fleet.register("1");
        fleet.register("2");
        int activeDevices = Math.min(active, devices);
        long seedStart = System.nanoTime();
        List<DeviceCredentials> credentials = seed(cloud, devices, activeDevices);
        double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
        System.err.printf("bench: fleet %s: %d devices registered in %.1f s%n", storeName, devices, seedSeconds);
        fleet.deploy("1", "\"all-at-once\"");

        long opsBefore = store.total();
        long listedBefore = store.documentsListed();
        Map<String, Long> byCollectionBefore = store.byCollection();
        long cpuBefore = processCpuNanos();
        long readUnitsBefore = store.readUnits();
        long writeUnitsBefore = store.writeUnits();
        Instant start = Instant.now();
        Instant end = start.plusSeconds(seconds);
        try (ExecutorService devicesRunning = Executors.newVirtualThreadPerTaskExecutor()) {
            for (DeviceCredentials device : credentials) {
                devicesRunning.submit(() -> fleet.live(device, start, end));
            }
            Thread.sleep(Duration.between(Instant.now(), start.plusSeconds(seconds / 2)));
            long deployStart = System.nanoTime();
            fleet.deploy("2", "{\"type\": \"canary\", \"percent\": 10, \"bakeMinutes\": 0}");
            System.err.printf(java.util.Locale.ROOT, "bench: fleet %s %d: the 10%% canary deployment took %.0f ms%n", storeName, devices,
                    (System.nanoTime() - deployStart) / 1e6);
        }
        long requests = fleet.requests.get();
        double cpuMs = (processCpuNanos() - cpuBefore) / 1e6;
        Map<String, Long> operations = new LinkedHashMap<>();
        store.byCollection().forEach((op, n) -> operations.put(op, n - byCollectionBefore.getOrDefault(op, 0L)));
        long reads = sum(operations, "get ", "list ");
        long writes = sum(operations, "create ", "update ", "delete ");
        double perRequest = Math.max(1, requests);
        return new Row(storeName, devices, activeDevices, seconds, requests, fleet.p99("status"), fleet.p99("desired"),
                fleet.p99("telemetry"), requests == 0 ? 0 : (double) (store.total() - opsBefore) / requests,
                requests == 0 ? 0 : (store.documentsListed() - listedBefore) / requests, fleet.errors.get(), seedSeconds,
                reads / perRequest, writes / perRequest, cpuMs / perRequest, (store.readUnits() - readUnitsBefore) / perRequest,
                (store.writeUnits() - writeUnitsBefore) / perRequest, operations, List.copyOf(fleet.errorSamples.values()));
    }

    private static long sum(Map<String, Long> operations, String... kinds) {
        return operations.entrySet().stream().filter(e -> java.util.Arrays.stream(kinds).anyMatch(k -> e.getKey().startsWith(k)))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** CPU time of this JVM so far: the cloud's work (SQLite runs in it too; dynalite does not). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static MetadataStore dynamo(AwsEmulators aws, String table) {
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(AwsEmulators.ACCESS_KEY, AwsEmulators.SECRET_KEY));
        DynamoDbClient client = AwsClients.dynamo(AwsEmulators.REGION, Optional.of(aws.dynamoEndpoint), credentials);
        DynamoDbMetadataStore.createTable(client, table);
        return new DynamoDbMetadataStore(client, table);
    }

    /** Registers the group's devices through the device registry, several at once; answers the active ones' keys. */
    private static List<DeviceCredentials> seed(CloudServices cloud, int devices, int activeDevices) throws InterruptedException {
        List<DeviceCredentials> keys = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong next = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < SEEDING_THREADS; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (long i = next.getAndIncrement(); i < devices; i = next.getAndIncrement()) {
                    DeviceCredentials created = cloud.devices().create(String.format("dev-%07d", i), GROUP);
                    if (i < activeDevices) {
                        keys.add(created);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return keys;
    }

    /** The fleet's side: devices that poll, report and send telemetry, and the figures of their requests. */
    private static final class Fleet {
        private final CloudServices cloud;
        private final Map<String, DDSketch> latencies = new ConcurrentHashMap<>();
        private final Map<String, String> errorSamples = new ConcurrentHashMap<>();
        final AtomicLong requests = new AtomicLong();
        final AtomicLong errors = new AtomicLong();

        Fleet(CloudServices cloud) {
            this.cloud = cloud;
        }

        void register(String version) {
            admin("POST", "/api/models/" + MODEL + "/versions", "application/zip", RegistryPackages.valid(MODEL, version));
        }

        void deploy(String version, String strategy) {
            String body = "{\"group\": \"" + GROUP + "\", \"model\": \"" + MODEL + "\", \"version\": \"" + version
                    + "\", \"strategy\": " + strategy + ", \"health\": {\"minRequests\": 1}}";
            ApiResponse response = admin("POST", "/api/deployments", "application/json", body.getBytes(StandardCharsets.UTF_8));
            if (response.status() / 100 != 2) {
                error("deploy " + version, response);
            }
        }

        private ApiResponse admin(String method, String path, String contentType, byte[] body) {
            return cloud.api().handle(ApiRequest.of(method, path, Map.of("x-api-key", List.of(KEY),
                    "Content-Type", List.of(contentType)), new ByteArrayInputStream(body)));
        }

        /** One device from {@code start} to {@code end}: its first poll and batch at a random point, as a fleet spreads out. */
        void live(DeviceCredentials device, Instant start, Instant end) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            Instant nextPoll = start.plusMillis(random.nextLong(POLL.toMillis()));
            Instant nextBatch = start.plusMillis(random.nextLong(TELEMETRY.toMillis()));
            String serving = null;
            try {
                while (true) {
                    Instant due = nextPoll.isBefore(nextBatch) ? nextPoll : nextBatch;
                    if (!due.isBefore(end)) {
                        return;
                    }
                    Thread.sleep(Math.max(0, Duration.between(Instant.now(), due).toMillis()));
                    if (due == nextPoll) {
                        status(device, serving);
                        serving = desired(device, serving);
                        nextPoll = nextPoll.plus(POLL);
                    } else {
                        telemetry(device, serving);
                        nextBatch = nextBatch.plus(TELEMETRY);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void status(DeviceCredentials device, String serving) {
            String body = "{\"model\": " + (serving == null ? "null" : "\"" + MODEL + "\"") + ", \"version\": "
                    + (serving == null ? "null" : "\"" + serving + "\"") + ", \"ortVersion\": \"1.29.0\", \"agentVersion\": \"bench\","
                    + " \"state\": \"" + (serving == null ? "no-model" : "serving") + "\", \"since\": \"" + Instant.now().minus(POLL)
                    + "\", \"requests\": 30, \"errors\": 0, \"latencyMs\": {\"p50\": 4.1, \"p95\": 7.9, \"p99\": 12.0}}";
            call("status", device, "POST", "/api/devices/" + device.id() + "/status", body.getBytes(StandardCharsets.UTF_8));
        }

        /** Asks for the desired state; answers the version it names (the device installs it at once), else what it served. */
        private String desired(DeviceCredentials device, String serving) {
            ApiResponse response = call("desired", device, "GET", "/api/devices/" + device.id() + "/desired", null);
            if (response == null || response.status() != 200) {
                return serving;
            }
            try {
                JsonNode signed = Json.mapper().readTree(response.bodyBytes());
                JsonNode statement = Json.mapper().readTree(Base64.getDecoder().decode(signed.path("statement").asText()));
                JsonNode models = statement.path("models");
                return models.isEmpty() ? serving : models.get(0).path("version").asText();
            } catch (java.io.IOException e) {
                errorSamples.putIfAbsent("desired-parse", e.toString());
                errors.incrementAndGet();
                return serving;
            }
        }

        private void telemetry(DeviceCredentials device, String serving) {
            if (serving == null) {
                return;
            }
            Instant now = Instant.now();
            List<ObjectNode> records = new ArrayList<>();
            for (int i = 0; i < RECORDS_PER_BATCH; i++) {
                records.add(TelemetryBatches.record(now.minusMillis(1000L * i), MODEL, serving, 200, i % 3 == 0 ? "unripe" : "ripe",
                        0.7 + 0.02 * i, 5 + i));
            }
            byte[] body = TelemetryBatches.json(TelemetryBatches.batch(TelemetryBatches.newBatchId(), device.id(), 0, records));
            call("telemetry", device, "POST", "/api/telemetry", body);
        }

        private ApiResponse call(String route, DeviceCredentials device, String method, String path, byte[] body) {
            Map<String, List<String>> headers = new LinkedHashMap<>();
            headers.put(DeviceHeaders.DEVICE_ID, List.of(device.id()));
            headers.put(DeviceHeaders.DEVICE_KEY, List.of(device.primaryKey()));
            headers.put(DeviceHeaders.PROTOCOL, List.of("2"));
            if (body != null) {
                headers.put("Content-Type", List.of("application/json"));
            }
            long t0 = System.nanoTime();
            ApiResponse response;
            try {
                response = cloud.api().handle(ApiRequest.of(method, path, headers, body == null ? null : new ByteArrayInputStream(body)));
                response.bodyBytes();
            } catch (RuntimeException e) {
                errors.incrementAndGet();
                errorSamples.putIfAbsent(route + "-" + e.getClass().getSimpleName(), route + ": " + e);
                return null;
            } finally {
                requests.incrementAndGet();
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            DDSketch sketch = latencies.computeIfAbsent(route, r -> DDSketches.unboundedDense(0.01));
            synchronized (sketch) {
                sketch.accept(ms);
            }
            if (response.status() >= 400) {
                error(route, response);
            }
            return response;
        }

        private void error(String what, ApiResponse response) {
            errors.incrementAndGet();
            String body = new String(response.bodyBytes(), StandardCharsets.UTF_8);
            errorSamples.putIfAbsent(what + "-" + response.status(), what + ": " + response.status() + " "
                    + (body.length() > 300 ? body.substring(0, 300) : body));
        }

        double p99(String route) {
            DDSketch sketch = latencies.get(route);
            if (sketch == null) {
                return 0;
            }
            synchronized (sketch) {
                return sketch.isEmpty() ? 0 : sketch.getValueAtQuantile(0.99);
            }
        }
    }
}
