package dev.verge.cloud.local;

import dev.verge.cloud.CloudConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** A {@link LocalCloud} on a random port over a fresh data folder, and an HTTP client for it, as the contract tests use it. */
final class RunningLocalCloud implements AutoCloseable {
    final LocalCloud cloud;
    final HttpApiClient client;
    private final Path data;

    private RunningLocalCloud(Path data, LocalCloud cloud) {
        this.data = data;
        this.cloud = cloud;
        this.client = new HttpApiClient(cloud.baseUri());
    }

    static RunningLocalCloud start(CloudConfig config) throws IOException {
        return start(config, UnaryOperator.identity());
    }

    /** {@code tune} changes the settings before the cloud starts (timings, rollout tick, ...). */
    static RunningLocalCloud start(CloudConfig config, UnaryOperator<LocalCloud.Settings> tune) throws IOException {
        Path data = Files.createTempDirectory("verge-local-cloud-");
        return new RunningLocalCloud(data, LocalCloud.start(tune.apply(LocalCloud.Settings.of(data, config))));
    }

    @Override
    public void close() throws IOException {
        cloud.close();
        try (Stream<Path> paths = Files.walk(data)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
