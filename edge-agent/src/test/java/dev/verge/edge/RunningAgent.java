package dev.verge.edge;

import dev.verge.demo.DemoModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/** The agent on a random local port serving the demo model, as the tests start it. */
final class RunningAgent implements AutoCloseable {
    static final String MODEL_VERSION = "3";

    final Path directory;
    final Path modelPackage;
    final EdgeAgent agent;
    final AgentClient client;

    private RunningAgent(Path directory, Path modelPackage, EdgeAgent agent) {
        this.directory = directory;
        this.modelPackage = modelPackage;
        this.agent = agent;
        this.client = new AgentClient(agent.port());
    }

    static RunningAgent start() {
        // the pictures /url fetches in tests come from loopback servers, as a LAN camera's would with --url-allow
        return start(settings -> settings);
    }

    static RunningAgent start(AccessSettings access) {
        return start(settings -> settings.withAccess(access));
    }

    /** With {@code change} applied to the test settings (which allow /url to reach 127.0.0.1). */
    static RunningAgent start(java.util.function.UnaryOperator<AgentSettings> change) {
        try {
            Path directory = Files.createTempDirectory("verge-edge-test");
            Path modelPackage = DemoModels.fruitQuality(directory, MODEL_VERSION);
            AgentSettings settings = AgentSettings.defaults(modelPackage)
                    .withHost("127.0.0.1")
                    .withPort(0)
                    .withUrlTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2))
                    .withAccess(AccessSettings.defaults().withUrlAllow("127.0.0.1"));
            return new RunningAgent(directory, modelPackage, EdgeAgent.start(change.apply(settings)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        agent.close();
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
