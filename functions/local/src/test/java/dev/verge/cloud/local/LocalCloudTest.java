package dev.verge.cloud.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.testing.RegistryPackages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the local runtime adds to the shared API: the watched folder, restarts, real concurrency, its command line. */
@Timeout(180)
class LocalCloudTest {
    private static final String KEY = "local-cloud-key-3c9d";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path data;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    private final List<LocalCloud> started = new ArrayList<>();

    private LocalCloud start(CloudConfig config) {
        LocalCloud cloud = LocalCloud.start(LocalCloud.Settings.of(data, config)
                .withTimings(Duration.ofMinutes(10), Duration.ofMillis(300)));
        started.add(cloud);
        return cloud;
    }

    private LocalCloud start() {
        return start(CloudConfig.withApiKeys(KEY));
    }

    @AfterEach
    void stopAll() {
        started.forEach(LocalCloud::close);
    }

    private HttpResponse<byte[]> send(LocalCloud cloud, String method, String path, byte[] body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(cloud.baseUri() + path))
                .timeout(Duration.ofSeconds(100))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            request.header("x-api-key", key);
        }
        if (body != null) {
            request.header("Content-Type", method.equals("POST") && path.endsWith("/stage") ? "application/json" : "application/zip");
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode json(HttpResponse<byte[]> response) throws Exception {
        return CloudJson.mapper().readTree(response.body());
    }

    /** Polls until the version answers 200, as a client waiting for a bucket upload to be registered would. */
    private JsonNode awaitVersion(LocalCloud cloud, String name, String version) {
        return await(name + "/" + version + " registered or rejected").atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    HttpResponse<byte[]> response = send(cloud, "GET", "/api/models/" + name + "/versions/" + version, null, KEY);
                    // the record shows up as "pending" while the package is still being validated
                    boolean settled = response.statusCode() == 200 && !json(response).path("status").asText().equals("pending");
                    return settled ? json(response) : null;
                }, Objects::nonNull);
    }

    private static void dropInto(Path blobs, String relative, byte[] zip) throws Exception {
        // as a person would: write elsewhere, then move into the watched folder
        Path target = blobs.resolve(relative);
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(blobs.getParent(), "drop-", ".part");
        Files.write(tmp, zip);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void folderDrop_packageMovedIntoModels_isRegisteredFromItsManifest() throws Exception {
        LocalCloud cloud = start();
        byte[] zip = RegistryPackages.valid("dropped", "7");

        dropInto(data.resolve("blobs"), "models/incoming/dropped-v7.zip", zip);

        JsonNode v = awaitVersion(cloud, "dropped", "7");
        assertThat(v.path("status").asText()).isEqualTo("registered");
        assertThat(v.path("source").path("kind").asText()).isEqualTo("blob");
        assertThat(v.path("source").path("key").asText()).isEqualTo("models/incoming/dropped-v7.zip");
        assertThat(data.resolve("blobs/models/dropped/7/package.zip")).hasBinaryContent(zip);
    }

    @Test
    void folderDrop_fileInNewSubfolderAndNonPackage_registersOnlyThePackage() throws Exception {
        LocalCloud cloud = start();

        dropInto(data.resolve("blobs"), "models/readme.txt", "not a package".getBytes());
        dropInto(data.resolve("blobs"), "models/team-a/new/fruit.zip", RegistryPackages.valid("nested", "1"));

        awaitVersion(cloud, "nested", "1");
        JsonNode models = json(send(cloud, "GET", "/api/models", null, KEY)).path("models");
        assertThat(models).extracting(m -> m.path("name").asText()).containsExactly("nested");
    }

    @Test
    void start_existingDataDir_keepsVersionsStagesAndRegistersFilesDroppedWhileDown() throws Exception {
        LocalCloud first = start();
        assertThat(send(first, "POST", "/api/models/kept/versions", RegistryPackages.valid("kept", "1"), KEY).statusCode()).isEqualTo(201);
        assertThat(send(first, "POST", "/api/models/kept/versions/1/stage", "{\"stage\":\"production\",\"by\":\"alice\"}".getBytes(), KEY)
                .statusCode()).isEqualTo(200);
        first.close();
        started.remove(first);
        dropInto(data.resolve("blobs"), "models/while-down.zip", RegistryPackages.valid("kept", "2"));

        LocalCloud second = start();

        JsonNode v1 = json(send(second, "GET", "/api/models/kept/versions/1", null, KEY));
        assertThat(v1.path("stage").asText()).isEqualTo("production");
        assertThat(v1.path("history").get(0).path("by").asText()).isEqualTo("alice");
        assertThat(awaitVersion(second, "kept", "2").path("status").asText()).isEqualTo("registered");
        HttpResponse<byte[]> download = send(second, "GET", "/api/models/kept/versions/1/package", null, KEY);
        assertThat(download.body()).isEqualTo(RegistryPackages.valid("kept", "1"));
    }

    @Test
    void upload_concurrentDifferentBytesForOneVersion_exactlyOneWinsOverHttp() throws Exception {
        LocalCloud cloud = start();
        List<byte[]> packages = List.of(RegistryPackages.valid("race", "1"), RegistryPackages.validVariant("race", "1"));
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(packages.size());
        List<Future<HttpResponse<byte[]>>> results = new ArrayList<>();
        try {
            for (byte[] zip : packages) {
                Callable<HttpResponse<byte[]>> upload = () -> {
                    go.await();
                    return send(cloud, "POST", "/api/models/race/versions", zip, KEY);
                };
                results.add(pool.submit(upload));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<HttpResponse<byte[]>> r : results) {
                statuses.add(r.get().statusCode());
            }
            assertThat(statuses).containsExactlyInAnyOrder(201, 409);
        } finally {
            pool.shutdownNow();
        }
        String registered = json(send(cloud, "GET", "/api/models/race/versions/1", null, KEY)).path("sha256").asText();
        assertThat(RegistryPackages.sha256(Files.readAllBytes(data.resolve("blobs/models/race/1/package.zip")))).isEqualTo(registered);
    }

    @Test
    void packageUrl_ofRegisteredVersion_isServedWithoutKeyByTheLocalServer() throws Exception {
        LocalCloud cloud = start();
        byte[] zip = RegistryPackages.valid("served", "1");
        send(cloud, "POST", "/api/models/served/versions", zip, KEY);

        String url = cloud.services().registry().packageUrl("served", "1", 60);

        assertThat(url).startsWith("http://localhost:" + cloud.port() + "/blobs/models/served/1/package.zip?expires=");
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(zip);
    }

    @Test
    void insecureLocal_servesTheApiWithoutKey() throws Exception {
        LocalCloud cloud = start(CloudConfig.insecure());

        HttpResponse<byte[]> response = send(cloud, "POST", "/api/models/open/versions", RegistryPackages.valid("open", "1"), null);

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(json(response).path("source").path("by").asText()).isEqualTo("insecure-local");
    }

    @Test
    void command_bothKeyAndInsecureFlagOrAShortKey_refusesToStart() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            String dataArg = data.resolve("cli").toString();
            assertThat(LocalCloudCommand.run(new String[] {"--port", "0", "--data", dataArg, "--api-key",
                    "key-0123456789abcdef", "--insecure-local"})).isEqualTo(2);
            assertThat(LocalCloudCommand.run(new String[] {"--port", "0", "--data", dataArg, "--api-key", "s3cret"}))
                    .isEqualTo(2);
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString()).contains("--insecure-local").contains("at least 16").doesNotContain("s3cret");
    }

}
