package dev.verge.cloud.local;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.events.EventsConfig;
import dev.verge.cloud.predict.PredictConfig;
import dev.verge.cloud.rollout.DeviceProtocolConfig;
import dev.verge.cloud.registry.RegistryConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The command line of {@link LocalCloud}. */
@Command(name = "verge cloud", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the Verge cloud functions on this machine: the model registry API over HTTP,",
                "packages in <data>/blobs, records in <data>/metadata.db. A package zip dropped into",
                "<data>/blobs/models/ is registered, as a bucket upload is in the cloud. Packages are signed",
                "for devices with VERGE_SIGNING_KEY (Base64 PKCS#8 or PEM Ed25519 private key) or, without it,",
                "with a key made once and kept in <data>/signing.key; GET /api/signing-key shows its public key."})
final class LocalCloudCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "7071", description = "HTTP port (0: any free port). Default: ${DEFAULT-VALUE}")
    int port;

    @Option(names = "--host", description = "Address to listen on. Default: 0.0.0.0, or 127.0.0.1 with --insecure-local")
    String host;

    @Option(names = "--data", defaultValue = "./verge-data", description = "Data folder. Default: ${DEFAULT-VALUE}")
    Path data;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "API key the registry API requires (repeat for several; or set VERGE_API_KEYS=k1,k2)")
    List<String> apiKeys = new ArrayList<>();

    @Option(names = "--insecure-local", description = "Accept every request without a key (local development only)")
    boolean insecureLocal;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "Base URL devices reach this server at, for package download links. Default: http://localhost:<port>")
    URI publicUrl;

    @Option(names = "--max-package-mb", defaultValue = "512", description = "Largest package accepted. Default: ${DEFAULT-VALUE}")
    long maxPackageMb;

    @Option(names = "--rescan-seconds", defaultValue = "30",
            description = "How often blobs/models/ is rescanned for missed files. Default: ${DEFAULT-VALUE}")
    long rescanSeconds;

    @Option(names = "--rollout-tick-seconds", defaultValue = "5",
            description = "How often the rollout controller checks deployments in progress. Default: ${DEFAULT-VALUE}")
    long rolloutTickSeconds;

    /** The options, and from the environment as in the cloud: prediction limits, webhook secrets, event rules, device poll interval. */
    CloudConfig config(List<String> keys, Map<String, String> env) {
        RegistryConfig registry = RegistryConfig.defaults().withMaxPackageBytes(maxPackageMb << 20);
        return new CloudConfig(keys, insecureLocal, registry, null, PredictConfig.fromEnv(env), env.get("VERGE_SIGNING_KEY"),
                EventsConfig.fromEnv(env), CloudConfig.devicePollSeconds(env), DeviceProtocolConfig.fromEnv(env));
    }

    static int run(String[] args) {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT %4$s %3$s: %5$s%6$s%n");
        }
        return new CommandLine(new LocalCloudCommand())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("verge cloud: " + e.getMessage());
                    return 1;
                })
                .execute(args);
    }

    @Override
    public Integer call() throws InterruptedException {
        List<String> keys = new ArrayList<>(apiKeys);
        String fromEnv = System.getenv("VERGE_API_KEYS");
        if (keys.isEmpty() && fromEnv != null) {
            keys.addAll(Arrays.stream(fromEnv.split(",")).map(String::strip).filter(k -> !k.isEmpty()).toList());
        }
        if (keys.isEmpty() == !insecureLocal) {
            System.err.println(keys.isEmpty()
                    ? "verge cloud: give an API key (--api-key KEY or VERGE_API_KEYS) or start with --insecure-local"
                    : "verge cloud: --insecure-local and API keys exclude each other; give one of them");
            return 2;
        }
        CloudConfig config = config(keys, System.getenv());
        String bindTo = host != null ? host : insecureLocal ? "127.0.0.1" : "0.0.0.0";
        LocalCloud.Settings settings = new LocalCloud.Settings(bindTo, port, data, config, publicUrl,
                Duration.ofSeconds(Math.max(1, rescanSeconds)), Duration.ofSeconds(1), Duration.ofSeconds(Math.max(1, rolloutTickSeconds)));
        LocalCloud cloud = LocalCloud.start(settings);
        System.out.println("package signing public key (give it to agents as --trusted-key): " + cloud.services().signer().publicKeyBase64());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cloud.close();
            stopped.countDown();
        }, "verge-cloud-shutdown"));
        stopped.await();
        return 0;
    }
}
