package dev.verge.cloud.local;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.telemetry.TelemetryApiContract;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The telemetry contract against {@link LocalCloud} over real HTTP, on SQLite and the filesystem. */
class LocalTelemetryApiTest extends TelemetryApiContract {
    private static final String KEY = "local-telemetry-key-91c2";
    private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection", "expect", "upgrade");

    private static Path data;
    private static LocalCloud cloud;
    private static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        data = Files.createTempDirectory("verge-local-telemetry-");
        cloud = LocalCloud.start(LocalCloud.Settings.of(data, CloudConfig.withApiKeys(KEY)));
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() throws Exception {
        cloud.close();
        try (var paths = Files.walk(data)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override
    protected ApiResponse send(ApiRequest request) throws Exception {
        String query = request.query().entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v -> enc(e.getKey()) + "=" + enc(v)))
                .collect(Collectors.joining("&"));
        URI uri = URI.create(cloud.baseUri() + request.path() + (query.isEmpty() ? "" : "?" + query));
        byte[] body = request.body().readAllBytes();
        HttpRequest.Builder http = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .method(request.method(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        request.headers().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(v -> http.header(name, v));
            }
        });
        HttpResponse<byte[]> response = client.send(http.build(), HttpResponse.BodyHandlers.ofByteArray());
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        response.headers().map().forEach((name, values) -> {
            if (!values.isEmpty()) {
                headers.put(name, values.get(0));
            }
        });
        return new ApiResponse(response.statusCode(), headers, new ApiResponse.Bytes(response.body()));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    protected String apiKey() {
        return KEY;
    }
}
