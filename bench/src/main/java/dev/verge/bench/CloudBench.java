package dev.verge.bench;

import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.aws.LocalRuntimeApi;
import dev.verge.demo.DemoModels;
import dev.verge.inference.json.Json;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Edge vs cloud (issue 11): the same image, one request at a time, through the edge agent, the local
 * cloud's {@code POST /api/models/{name}/predict}, and the AWS {@code ApiHandler} under the Lambda runtime
 * interface client (API Gateway HTTP API events through a local Runtime API). Where the time goes:
 * decode, preprocess, infer from the cloud's {@code Server-Timing} and the agent's /metrics; transport is
 * the rest. Also the AWS handler's cold start: fresh JVM to first event answered.
 */
final class CloudBench {
    static final String API_KEY = "bench-api-key-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern TIMING = Pattern.compile("(decode|preprocess|infer);dur=([0-9.]+)");
    private static final Pattern STAGE_SUM = Pattern.compile(
            "^verge_inference_stage_duration_seconds_(sum|count)\\{stage=\"(\\w+)\"\\} ([0-9.eE+-]+)$");

    /** Mean milliseconds per request, and the client's p50 / p99 of the whole round trip. */
    record Breakdown(String target, int requests, double p50Ms, double p99Ms, double meanMs, double decodeMs,
                     double preprocessMs, double inferMs, double transportMs) {}

    /** AWS handler cold starts: fresh JVM to end of init (first poll) and to the first event answered. */
    record LambdaColdStart(String handler, String firstEvent, double initMs, double firstAnswerMs) {}

    record Result(String model, List<Breakdown> breakdowns, List<LambdaColdStart> lambdaColdStarts) {}

    private final BenchContext ctx;
    private final int requests;
    private final int coldRuns;

    CloudBench(BenchContext ctx, int requests, int coldRuns) {
        this.ctx = ctx;
        this.requests = requests;
        this.coldRuns = coldRuns;
    }

    Result run(String model) throws Exception {
        byte[] image = Files.readAllBytes(ctx.image);
        Path zip = DemoModels.zip(ctx.packages.get(model), ctx.work.resolve(model + ".zip"));
        String name = Json.mapper().readTree(ctx.packages.get(model).resolve("manifest.json").toFile()).get("name").asText();
        String version = Json.mapper().readTree(ctx.packages.get(model).resolve("manifest.json").toFile()).get("version").asText();
        List<Breakdown> breakdowns = new ArrayList<>();
        try (ServerProcess agent = ctx.startAgent(model, List.of(), List.of(), "edge-vs-cloud-agent")) {
            breakdowns.add(log(agent(agent, image)));
        }
        try (ServerProcess cloud = startLocalCloud()) {
            String base = "http://127.0.0.1:" + cloud.port;
            expect(201, post(base + "/api/models/" + name + "/versions", "application/zip", Files.readAllBytes(zip)), "register");
            expect(200, post(base + "/api/models/" + name + "/versions/" + version + "/stage", "application/json",
                    "{\"stage\":\"production\"}".getBytes(StandardCharsets.UTF_8)), "promote");
            breakdowns.add(log(localCloud(base + "/api/models/" + name + "/predict", image)));
        }
        List<LambdaColdStart> colds = new ArrayList<>();
        try (AwsEmulators aws = new AwsEmulators(ctx.root)) {
            aws(aws, name, version, Files.readAllBytes(zip), image, breakdowns, colds);
        }
        return new Result(model, breakdowns, colds);
    }

    private Breakdown agent(ServerProcess agent, byte[] image) {
        String url = "http://127.0.0.1:" + agent.port;
        for (int i = 0; i < 20; i++) {
            post(url + "/image", "application/octet-stream", image);
        }
        Map<String, double[]> before = stages(get(url + "/metrics"));
        List<Double> totals = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            long t0 = System.nanoTime();
            expect(200, post(url + "/image", "application/octet-stream", image), "agent /image");
            totals.add((System.nanoTime() - t0) / 1e6);
        }
        Map<String, double[]> after = stages(get(url + "/metrics"));
        double[] stages = new double[3];
        String[] names = {"decode", "preprocess", "infer"};
        for (int s = 0; s < 3; s++) {
            double[] b = before.getOrDefault(names[s], new double[2]);
            double[] a = after.getOrDefault(names[s], new double[2]);
            stages[s] = a[1] > b[1] ? (a[0] - b[0]) * 1000 / (a[1] - b[1]) : Double.NaN;
        }
        return breakdown("edge agent (HTTP)", totals, List.of(stages));
    }

    private Breakdown localCloud(String url, byte[] image) {
        for (int i = 0; i < 20; i++) {
            post(url, "application/octet-stream", image);
        }
        List<Double> totals = new ArrayList<>();
        List<double[]> stages = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = post(url, "application/octet-stream", image);
            totals.add((System.nanoTime() - t0) / 1e6);
            expect(200, r, "local cloud predict");
            stages.add(serverTiming(r.headers().firstValue("Server-Timing").orElse("")));
        }
        return breakdown("local cloud (HTTP)", totals, stages);
    }

    private void aws(AwsEmulators aws, String name, String version, byte[] zip, byte[] image,
                     List<Breakdown> breakdowns, List<LambdaColdStart> colds) throws Exception {
        String handler = "dev.verge.cloud.aws.ApiHandler::handleRequest";
        byte[] predict = apiEvent("POST", "/api/models/" + name + "/predict", "application/octet-stream", image);
        for (int run = 0; run < coldRuns; run++) {
            try (LocalRuntimeApi runtime = new LocalRuntimeApi()) {
                Process function = startFunction(handler, aws, runtime, "function-" + run);
                try {
                    if (run == 0) {
                        // the first container registers and promotes the package through the API itself
                        var upload = runtime.invoke(apiEvent("POST", "/api/models/" + name + "/versions", "application/zip", zip));
                        var answer = await(upload);
                        colds.add(new LambdaColdStart("ApiHandler", "POST /api/models/{name}/versions (register)",
                                ms(runtime.firstPoll().get() - startNanos), ms(answer.nanoTime() - startNanos)));
                        expectStatus(201, answer, "register via ApiHandler");
                        expectStatus(200, await(runtime.invoke(apiEvent("POST", "/api/models/" + name + "/versions/" + version + "/stage",
                                "application/json", "{\"stage\":\"production\"}".getBytes(StandardCharsets.UTF_8)))), "promote via ApiHandler");
                        continue;
                    }
                    var first = await(runtime.invoke(predict));
                    expectStatus(200, first, "first predict via ApiHandler");
                    colds.add(log(new LambdaColdStart("ApiHandler", "POST /api/models/{name}/predict",
                            ms(runtime.firstPoll().get() - startNanos), ms(first.nanoTime() - startNanos))));
                    if (run == coldRuns - 1) {
                        for (int i = 0; i < 20; i++) {
                            await(runtime.invoke(predict));
                        }
                        List<Double> totals = new ArrayList<>();
                        List<double[]> stages = new ArrayList<>();
                        for (int i = 0; i < requests; i++) {
                            long t0 = System.nanoTime();
                            var outcome = await(runtime.invoke(predict));
                            totals.add((outcome.nanoTime() - t0) / 1e6);
                            JsonNode response = expectStatus(200, outcome, "predict via ApiHandler");
                            stages.add(serverTiming(response.path("headers").path("Server-Timing").asText("")));
                        }
                        breakdowns.add(log(breakdown("AWS ApiHandler (runtime API)", totals, stages)));
                    }
                } finally {
                    function.destroy();
                    if (!function.waitFor(15, TimeUnit.SECONDS)) {
                        function.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
                    }
                }
            }
        }
    }

    private long startNanos;

    /** As Lambda's java21 runtime starts a function: its JVM flags, the runtime interface client, the handler. */
    private Process startFunction(String handler, AwsEmulators aws, LocalRuntimeApi runtime, String logName) throws Exception {
        String classPath = String.join(File.pathSeparator, ctx.lambdaJar().toString(), jarOf(AWSLambda.class), jarOf(PojoSerializer.class));
        List<String> command = List.of(ctx.java().toString(),
                "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Xmx512m",
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, AWSLambda.class.getName(), handler);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ctx.work.resolve(logName + ".log").toFile());
        Map<String, String> env = new HashMap<>(aws.lambdaEnvironment(API_KEY));
        env.putAll(Map.of("AWS_LAMBDA_RUNTIME_API", runtime.address(), "AWS_LAMBDA_FUNCTION_NAME", "verge-bench",
                "AWS_LAMBDA_FUNCTION_VERSION", "$LATEST", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024",
                "AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/verge-bench", "AWS_LAMBDA_LOG_STREAM_NAME", "local",
                "_HANDLER", handler, "AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand", "TZ", ":UTC"));
        builder.environment().putAll(env);
        startNanos = System.nanoTime();
        return builder.start();
    }

    private static String jarOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    /** An HTTP API (payload format 2.0) event, as API Gateway sends it for this request. */
    static byte[] apiEvent(String method, String path, String contentType, byte[] body) {
        ObjectNode event = Json.mapper().createObjectNode();
        event.put("version", "2.0").put("routeKey", "$default").put("rawPath", path).put("rawQueryString", "");
        event.putObject("headers").put("x-api-key", API_KEY).put("content-type", contentType)
                .put("content-length", Integer.toString(body.length)).put("host", "bench.execute-api.us-east-1.amazonaws.com");
        ObjectNode context = event.putObject("requestContext");
        context.put("accountId", "123456789012").put("apiId", "bench").put("domainName", "bench.execute-api.us-east-1.amazonaws.com")
                .put("requestId", UUID.randomUUID().toString()).put("routeKey", "$default").put("stage", "$default")
                .put("timeEpoch", System.currentTimeMillis());
        context.putObject("http").put("method", method).put("path", path).put("protocol", "HTTP/1.1")
                .put("sourceIp", "127.0.0.1").put("userAgent", "verge-bench");
        event.put("body", Base64.getEncoder().encodeToString(body)).put("isBase64Encoded", true);
        try {
            return Json.mapper().writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ServerProcess startLocalCloud() {
        int port = ServerProcess.freePort();
        Path data = ctx.work.resolve("cloud-data");
        List<String> command = List.of(ctx.java().toString(), "--enable-native-access=ALL-UNNAMED", "-jar", ctx.cloudJar().toString(),
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--data", data.toString(), "--api-key", API_KEY);
        return ServerProcess.start(command, Map.of(), ctx.work.resolve("local-cloud.log"), port,
                Pattern.compile("listening on"), Duration.ofSeconds(90));
    }

    private static LocalRuntimeApi.Outcome await(CompletableFuture<LocalRuntimeApi.Outcome> outcome) throws Exception {
        return outcome.get(3, TimeUnit.MINUTES);
    }

    private static JsonNode expectStatus(int status, LocalRuntimeApi.Outcome outcome, String what) throws IOException {
        JsonNode response = Json.mapper().readTree(outcome.body());
        if (outcome.error() || response.path("statusCode").asInt() != status) {
            throw new IllegalStateException(what + ": expected " + status + ", found " + outcome.body());
        }
        return response;
    }

    static double[] serverTiming(String header) {
        double[] out = {Double.NaN, Double.NaN, Double.NaN};
        Matcher m = TIMING.matcher(header);
        while (m.find()) {
            int i = switch (m.group(1)) {
                case "decode" -> 0;
                case "preprocess" -> 1;
                default -> 2;
            };
            out[i] = Double.parseDouble(m.group(2));
        }
        return out;
    }

    /** stage -> {sum seconds, count} from Prometheus text. */
    static Map<String, double[]> stages(String metrics) {
        Map<String, double[]> out = new HashMap<>();
        for (String line : metrics.split("\n")) {
            Matcher m = STAGE_SUM.matcher(line.strip());
            if (m.find()) {
                double[] v = out.computeIfAbsent(m.group(2), k -> new double[2]);
                v[m.group(1).equals("sum") ? 0 : 1] = Double.parseDouble(m.group(3));
            }
        }
        return out;
    }

    private static Breakdown breakdown(String target, List<Double> totals, List<double[]> stages) {
        double[] sorted = totals.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = totals.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double[] stageMeans = new double[3];
        for (int s = 0; s < 3; s++) {
            final int i = s;
            stageMeans[s] = stages.stream().mapToDouble(a -> a[i]).average().orElse(Double.NaN);
        }
        double inside = stageMeans[0] + stageMeans[1] + stageMeans[2];
        return new Breakdown(target, totals.size(), r(sorted[sorted.length / 2]), r(sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]),
                r(mean), r(stageMeans[0]), r(stageMeans[1]), r(stageMeans[2]), r(mean - inside));
    }

    private static double r(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e5) / 10.0;
    }

    private static HttpResponse<byte[]> post(String url, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType).header("x-api-key", API_KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static String get(String url) {
        return new String(send(HttpRequest.newBuilder(URI.create(url)).GET()).body(), StandardCharsets.UTF_8);
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void expect(int status, HttpResponse<byte[]> r, String what) {
        if (r.statusCode() != status) {
            throw new IllegalStateException(what + ": expected " + status + ", found " + r.statusCode() + " "
                    + new String(r.body(), StandardCharsets.UTF_8));
        }
    }

    private static Breakdown log(Breakdown b) {
        System.err.printf(Locale.ROOT, "  %-30s p50 %7.2f ms  mean %7.2f = decode %.2f + preprocess %.2f + infer %.2f + transport %.2f ms%n",
                b.target(), b.p50Ms(), b.meanMs(), b.decodeMs(), b.preprocessMs(), b.inferMs(), b.transportMs());
        return b;
    }

    private static LambdaColdStart log(LambdaColdStart c) {
        System.err.printf(Locale.ROOT, "  %s cold start: init %.0f ms, first event (%s) answered %.0f ms%n",
                c.handler(), c.initMs(), c.firstEvent(), c.firstAnswerMs());
        return c;
    }
}
