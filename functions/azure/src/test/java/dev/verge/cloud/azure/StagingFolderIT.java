package dev.verge.cloud.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * What {@code azure-functions:package} wrote into the staging folder (run by failsafe after
 * {@code package}): one function.json per trigger with the routes and setting names the design uses,
 * the repository's host.json, and a lib/ folder without natives Azure's Linux workers cannot use.
 */
class StagingFolderIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path staging = Path.of(System.getProperty("verge.azure.staging", "target/azure-functions/verge-functions"));

    private JsonNode read(String file) throws IOException {
        return JSON.readTree(staging.resolve(file).toFile());
    }

    private static JsonNode trigger(JsonNode functionJson) {
        return functionJson.path("bindings").get(0);
    }

    @Test
    void api_isAnAnonymousBinaryHttpTriggerOnApiPaths() throws IOException {
        JsonNode api = read("api/function.json");

        assertThat(api.path("entryPoint").asText()).isEqualTo(ApiFunction.class.getName() + ".run");
        JsonNode trigger = trigger(api);
        assertThat(trigger.path("type").asText()).isEqualTo("httpTrigger");
        assertThat(trigger.path("route").asText()).isEqualTo("api/{*path}");
        assertThat(trigger.path("authLevel").asText()).isEqualToIgnoringCase("anonymous");
        assertThat(trigger.path("dataType").asText()).isEqualTo("binary");
        assertThat(trigger.path("methods")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS");
        assertThat(api.path("bindings").get(1).path("type").asText()).isEqualTo("http");
    }

    @Test
    void hostJson_isTheRepositorysWithAnEmptyRoutePrefix_soRoutesAreSlashApi() throws IOException {
        JsonNode host = read("host.json");

        assertThat(host).isEqualTo(JSON.readTree(Path.of(System.getProperty("verge.root", "../.."), "host.json").toFile()));
        assertThat(host.path("version").asText()).isEqualTo("2.0");
        assertThat(host.path("extensionBundle").path("id").asText()).isEqualTo("Microsoft.Azure.Functions.ExtensionBundle");
        assertThat(host.path("extensionBundle").path("version").asText()).isEqualTo("[4.*, 5.0.0)");
        // the host serves "/" + routePrefix + "/" + route: with "" the API lives at /api/models/...
        assertThat(host.path("extensions").path("http").path("routePrefix").isTextual()).isTrue();
        assertThat(host.path("extensions").path("http").path("routePrefix").asText()).isEmpty();
    }

    @Test
    void modelBlob_watchesTheModelsContainerThroughTheStorageSetting() throws IOException {
        JsonNode trigger = trigger(read("modelBlob/function.json"));

        assertThat(trigger.path("type").asText()).isEqualTo("blobTrigger");
        assertThat(trigger.path("path").asText()).isEqualTo("%VERGE_MODELS_CONTAINER%/{name}");
        assertThat(trigger.path("connection").asText()).isEqualTo("VERGE_STORAGE");
        assertThat(trigger.path("dataType").asText()).isEqualTo("binary");
    }

    @Test
    void eventGrid_isAnEventGridTriggerOfTheEventIntake() throws IOException {
        JsonNode function = read("eventGrid/function.json");

        assertThat(function.path("entryPoint").asText()).isEqualTo(EventGridFunction.class.getName() + ".onEvent");
        assertThat(trigger(function).path("type").asText()).isEqualTo("eventGridTrigger");
    }

    @Test
    void modelBlobCreated_isAnEventGridTrigger() throws IOException {
        JsonNode function = read("modelBlobCreated/function.json");

        assertThat(function.path("entryPoint").asText()).isEqualTo(ModelBlobFunction.class.getName() + ".onEvent");
        assertThat(trigger(function).path("type").asText()).isEqualTo("eventGridTrigger");
    }

    @Test
    void rolloutTick_isATimerEveryMinute() throws IOException {
        JsonNode function = read("rolloutTick/function.json");

        assertThat(function.path("entryPoint").asText()).isEqualTo(RolloutTickFunction.class.getName() + ".run");
        assertThat(trigger(function).path("type").asText()).isEqualTo("timerTrigger");
        assertThat(trigger(function).path("schedule").asText()).isEqualTo("0 */1 * * * *");
    }

    @Test
    void dashboard_isAnAnonymousHttpTriggerAtSlashDashboard() throws IOException {
        // anonymous to the host: the page checks the API key (its login form, or a link once), then its session cookie
        JsonNode dashboard = read("dashboard/function.json");

        assertThat(dashboard.path("entryPoint").asText()).isEqualTo(DashboardFunction.class.getName() + ".run");
        JsonNode trigger = trigger(dashboard);
        assertThat(trigger.path("type").asText()).isEqualTo("httpTrigger");
        assertThat(trigger.path("route").asText()).isEqualTo("dashboard/{action?}");
        assertThat(trigger.path("authLevel").asText()).isEqualToIgnoringCase("anonymous");
        assertThat(trigger.path("methods")).extracting(JsonNode::asText).containsExactlyInAnyOrder("GET", "HEAD", "POST");
    }

    @Test
    void staging_hasExactlyTheSixFunctions() throws IOException {
        try (Stream<Path> entries = Files.list(staging)) {
            assertThat(entries.filter(p -> Files.exists(p.resolve("function.json"))).map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("api", "dashboard", "modelBlob", "modelBlobCreated", "rolloutTick", "housekeeping", "eventGrid");
        }
    }

    @Test
    void lib_holdsOnlyLinuxX64OnnxRuntimeNativesAndTheAzureSdkWithoutNetty() throws IOException {
        List<String> jars;
        try (Stream<Path> lib = Files.list(staging.resolve("lib"))) {
            jars = lib.map(p -> p.getFileName().toString()).toList();
        }
        assertThat(jars).anyMatch(j -> j.startsWith("onnxruntime-"))
                .anyMatch(j -> j.startsWith("verge-functions-core-"))
                .anyMatch(j -> j.startsWith("azure-storage-blob-"))
                .anyMatch(j -> j.startsWith("azure-identity-"))
                // the transport is JdkHttpClient: Netty neither weighs on the folder nor meets the worker's
                .noneMatch(j -> j.startsWith("netty-") || j.startsWith("reactor-netty") || j.startsWith("azure-core-http-netty"));
        Path ort = staging.resolve("lib").resolve(jars.stream().filter(j -> j.startsWith("onnxruntime-")).findFirst().orElseThrow());
        List<String> natives = new ArrayList<>();
        try (ZipFile zip = new ZipFile(ort.toFile())) {
            zip.stream().map(e -> e.getName()).filter(n -> n.startsWith("ai/onnxruntime/native/") && !n.endsWith("/")).forEach(natives::add);
        }
        assertThat(natives).isNotEmpty().allMatch(n -> n.startsWith("ai/onnxruntime/native/linux-x64/"));
    }

    @Test
    void staging_staysSmall() throws IOException {
        long bytes;
        try (Stream<Path> files = Files.walk(staging)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        assertThat(bytes).as("staging folder bytes").isLessThan(30L << 20);
    }
}
