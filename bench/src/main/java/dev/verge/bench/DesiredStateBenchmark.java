package dev.verge.bench;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.devices.DeviceCredentials;
import dev.verge.cloud.rollout.PackageSigner;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import dev.verge.cloud.testing.RegistryPackages;
import dev.verge.inference.json.Json;
import dev.verge.inference.pkg.StatementSignature;
import dev.verge.wire.DeviceHeaders;
import dev.verge.wire.desired.DesiredStatement;
import dev.verge.wire.desired.SignedStatement;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the signed desired state costs per poll, side by side with the unsigned protocol-1 answer: the cloud's
 * whole {@code GET /api/devices/{id}/desired} (device authentication, the store, the statement, its signature)
 * in both protocols, and the agent's check of one answer (parse, Ed25519 verify, parse the statement). The
 * statement's size is printed at setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class DesiredStateBenchmark {
    private static final String KEY = "desired-state-benchmark-key-0123456789";

    private CloudServices cloud;
    private DeviceCredentials device;
    private byte[] answer;
    private PublicKey publicKey;

    @Setup(Level.Trial)
    public void start() throws IOException {
        PackageSigner signer = PackageSigner.generate();
        publicKey = signer.publicKey();
        cloud = CloudServices.create(new InMemoryBlobStore(), new InMemoryMetadataStore(), Clock.systemUTC(),
                CloudConfig.withApiKeys(KEY).withSigningKey(signer.privateKeyBase64()));
        cloud.api().handle(ApiRequest.of("POST", "/api/models/fruit-quality/versions",
                Map.of("x-api-key", List.of(KEY), "Content-Type", List.of("application/zip")),
                new ByteArrayInputStream(RegistryPackages.valid("fruit-quality", "1"))));
        device = cloud.devices().create("cam-1", "line-1");
        cloud.api().handle(ApiRequest.of("POST", "/api/deployments", Map.of("x-api-key", List.of(KEY),
                "Content-Type", List.of("application/json")), new ByteArrayInputStream(
                "{\"group\": \"line-1\", \"model\": \"fruit-quality\", \"version\": \"1\", \"strategy\": \"all-at-once\"}".getBytes())));
        answer = desired("2").bodyBytes();
        SignedStatement signed = Json.mapper().readValue(answer, SignedStatement.class);
        System.out.printf("desired state: protocol 2 answer %d bytes (statement %d bytes, %d signature(s)); protocol 1 answer %d bytes%n",
                answer.length, Base64.getDecoder().decode(signed.statement()).length, signed.signatures().size(),
                desired(null).bodyBytes().length);
    }

    private ApiResponse desired(String protocol) {
        Map<String, List<String>> headers = protocol == null
                ? Map.of(DeviceHeaders.DEVICE_ID, List.of(device.id()), DeviceHeaders.DEVICE_KEY, List.of(device.primaryKey()))
                : Map.of(DeviceHeaders.DEVICE_ID, List.of(device.id()), DeviceHeaders.DEVICE_KEY, List.of(device.primaryKey()),
                        DeviceHeaders.PROTOCOL, List.of(protocol));
        return cloud.api().handle(ApiRequest.of("GET", "/api/devices/cam-1/desired", headers, null));
    }

    @Benchmark
    public int cloudAnswersSigned() {
        return desired("2").bodyBytes().length;
    }

    @Benchmark
    public int cloudAnswersUnsigned() {
        return desired(null).bodyBytes().length;
    }

    /** The agent's work on one answer before it compares revision and expiry. */
    @Benchmark
    public DesiredStatement agentVerifies() throws IOException {
        SignedStatement signed = Json.mapper().readValue(answer, SignedStatement.class);
        byte[] statement = Base64.getDecoder().decode(signed.statement());
        if (!StatementSignature.verify(publicKey, statement, signed.signatures().get(0).signature())) {
            throw new IllegalStateException("the statement does not verify");
        }
        return Json.mapper().readValue(statement, DesiredStatement.class);
    }
}
