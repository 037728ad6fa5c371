package dev.verge.bench;

import dev.verge.demo.CameraPictures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What every section of a run shares: where the jars are, the packages and the pictures, the load settings.
 * Pictures are photo-like JPEGs of the sizes cameras send ({@link CameraPictures}), made by the bench itself.
 */
final class BenchContext {
    static final String IMAGE_NAME = "ripe-red-tomato";
    /** Every picture size the load section can use; the first is {@link #image}, used by every section. */
    static final List<String> PICTURES = List.of("640x480", "1920x1080", "4000x3000");
    static final Pattern READY = Pattern.compile("ready: ");
    static final Pattern READY_MS = Pattern.compile("(\\d+) ms after");

    final Path root;
    final Path work;
    final Path image;
    /** Picture name (its size) to its JPEG file. */
    final Map<String, Path> pictures = new LinkedHashMap<>();
    final Map<String, Path> packages = new LinkedHashMap<>();
    final Wrk wrk;
    final int warmupSeconds;
    final int seconds;
    final List<Integer> concurrency;

    BenchContext(Path root, Path work, List<String> models, List<String> pictureNames, int warmupSeconds, int seconds,
                 List<Integer> concurrency) {
        this.root = root;
        this.work = work;
        this.warmupSeconds = warmupSeconds;
        this.seconds = seconds;
        this.concurrency = List.copyOf(concurrency);
        this.wrk = new Wrk(root.resolve("bench/post-image.lua"));
        try {
            Files.createDirectories(work);
            for (String name : pictureNames) {
                String[] size = name.split("x");
                if (!PICTURES.contains(name)) {
                    throw new IllegalArgumentException("unknown picture " + name + "; expected one of " + PICTURES);
                }
                pictures.put(name, Files.write(work.resolve(IMAGE_NAME + "-" + name + ".jpg"),
                        CameraPictures.jpeg(IMAGE_NAME, Integer.parseInt(size[0]), Integer.parseInt(size[1]))));
            }
            image = pictures.values().iterator().next();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String model : models) {
            packages.put(model, BenchModels.write(model, work.resolve("packages")));
        }
    }

    Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    Path agentJar() {
        return required(root.resolve("edge-agent/target/verge-edge-agent.jar"));
    }

    Path cloudJar() {
        return required(root.resolve("functions/local/target/verge-cloud-local.jar"));
    }

    Path lambdaJar() {
        return required(root.resolve("functions/aws/target/verge-functions-aws.jar"));
    }

    Path nodePeer() {
        Path dir = root.resolve("bench/node-peer");
        if (!Files.isDirectory(dir.resolve("node_modules"))) {
            throw new IllegalStateException("no " + dir.resolve("node_modules") + "; bench/run installs it (npm ci)");
        }
        return dir;
    }

    /**
     * The agent on {@code model} exactly as it ships, through {@code ./verge edge} (its JVM options, class-data
     * archive and defaults), on this JDK, on a free port, once ready.
     */
    ServerProcess startShippedAgent(String model, String logName) {
        ServerProcess agent = launchShippedAgent(model, logName);
        agent.awaitLine(READY, Duration.ofSeconds(300)); // a first ./verge edge may build
        return agent;
    }

    /** As {@link #startShippedAgent}, returning as soon as the process is started. */
    ServerProcess launchShippedAgent(String model, String logName) {
        int port = ServerProcess.freePort();
        List<String> command = List.of(root.resolve("verge").toString(), "edge", "--model",
                packages.get(model).toString(), "--host", "127.0.0.1", "--port", Integer.toString(port));
        return ServerProcess.launch(command, Map.of("JAVA_HOME", System.getProperty("java.home")),
                work.resolve(logName + ".log"), port);
    }

    /** The agent on {@code model} as {@code java [jvmOptions] -jar verge-edge-agent.jar}, on a free port, once ready. */
    ServerProcess startAgent(String model, List<String> jvmOptions, List<String> agentOptions, String logName) {
        ServerProcess agent = launchAgent(model, jvmOptions, agentOptions, logName);
        agent.awaitLine(READY, Duration.ofSeconds(90));
        return agent;
    }

    /** As {@link #startAgent}, returning as soon as the process is started. */
    ServerProcess launchAgent(String model, List<String> jvmOptions, List<String> agentOptions, String logName) {
        int port = ServerProcess.freePort();
        List<String> command = new ArrayList<>(List.of(java().toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-jar", agentJar().toString(),
                "--model", packages.get(model).toString(), "--host", "127.0.0.1", "--port", Integer.toString(port)));
        command.addAll(agentOptions);
        return ServerProcess.launch(command, Map.of(), work.resolve(logName + ".log"), port);
    }

    /** The Node.js peer on {@code model}, on a free port, once ready. */
    ServerProcess startNode(String model, String logName) {
        ServerProcess node = launchNode(model, logName);
        node.awaitLine(READY, Duration.ofSeconds(90));
        return node;
    }

    ServerProcess launchNode(String model, String logName) {
        int port = ServerProcess.freePort();
        List<String> command = List.of("node", nodePeer().resolve("server.js").toString(),
                "--model", packages.get(model).toString(), "--port", Integer.toString(port));
        return ServerProcess.launch(command, Map.of(), work.resolve(logName + ".log"), port);
    }

    private static Path required(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no " + jar + "; run ./verge build first");
        }
        return jar;
    }

    static Duration seconds(int s) {
        return Duration.ofSeconds(s);
    }
}
