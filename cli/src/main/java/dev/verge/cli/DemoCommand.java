package dev.verge.cli;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.local.LocalCloud;
import dev.verge.demo.SampleImages;
import dev.verge.edge.sync.SyncSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole loop on one machine: a local cloud, two edge agents of one device group following it, a good
 * model version deployed and classifying the sample pictures, then a bad version rolled out as a canary
 * and rolled back by the rollout controller, with the deployment history printed at the end.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Start a local cloud and two edge agents, deploy the fruit-quality model and classify sample pictures,",
            "then roll out a bad version as a canary and watch the rollout controller roll it back."},
        footer = {"", "Exit status: 0 when every step went as expected, 1 otherwise (the reason is printed)."})
final class DemoCommand implements Callable<Integer> {
    static final String GROUP = "demo-line";
    static final List<String> DEVICES = List.of("demo-cam-1", "demo-cam-2");

    @Option(names = "--rounds", defaultValue = "10", description = "Times each sample is sent to each agent for the latency summary (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--work-dir", description = "Where packages, the cloud's data and the agents' state go (default: a temporary folder, deleted at the end).")
    Path workDir;

    @Option(names = "--timeout-seconds", defaultValue = "60", description = "Longest wait for any one step (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    private final PrintStream out = System.out;
    private final PrintStream err = System.err;

    @Override
    public Integer call() throws Exception {
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("verge-demo");
        try (DemoLogs logs = DemoLogs.oneLinePerRecord()) {
            return run(dir);
        } catch (DemoFailure e) {
            err.println("demo failed: " + e.getMessage());
            return 1;
        } finally {
            if (workDir == null) {
                deleteQuietly(dir);
            }
        }
    }

    private int run(Path dir) throws IOException, InterruptedException {
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String apiKey = HexFormat.of().formatHex(secret);
        LocalCloud.Settings settings = LocalCloud.Settings.of(dir.resolve("cloud"), CloudConfig.withApiKeys(apiKey)
                        .withDevicePollSeconds(1))
                .withRolloutTick(Duration.ofMillis(200));
        try (LocalCloud localCloud = LocalCloud.start(settings)) {
            out.printf("local cloud: %s (data %s)%n", localCloud.baseUri(), dir.resolve("cloud"));
            DemoCloud cloud = new DemoCloud(localCloud.baseUri().toString(), apiKey);
            List<DemoCloud.Device> devices = DEVICES.stream().map(id -> createDevice(cloud, id)).toList();
            String signingKey = cloud.signingKey();
            out.printf("devices %s in group %s; agents trust the cloud's signing key %s%n", DEVICES, GROUP, signingKey);

            try (EdgeFleet fleet = EdgeFleet.start(localCloud.baseUri(), devices, SyncSettings.trustedKey(signingKey),
                    dir.resolve("agents"), Duration.ofMillis(300))) {
                Map<String, byte[]> samples = SampleImages.samples();
                expectNoModelYet(fleet, samples.values().iterator().next());

                RolloutStory story = new RolloutStory(out, cloud, fleet, samples, dir.resolve("packages"),
                        timeout, GROUP);
                out.printf("%n== 1. deploy %s 1 to %s ==%n", RolloutStory.MODEL, GROUP);
                Duration firstRollout = story.deployGood("1");
                out.printf("%nlatency over %s%n", latency(fleet, samples));

                List<RolloutStory.Rollback> rollbacks = rollBackBadCanaries(story);
                story.printHistory();
                out.printf("%nsummary%n");
                out.printf("  %s 1 reached all %d agents %s after POST /api/deployments%n", RolloutStory.MODEL, DEVICES.size(),
                        RolloutStory.seconds(firstRollout));
                for (RolloutStory.Rollback done : rollbacks) {
                    out.printf("  bad version %s (%s) rolled back by %s %s after POST /api/deployments;"
                                    + " all agents serve 1 again after %s%n", done.version().version, done.version().flaw,
                            done.version().rule, RolloutStory.seconds(done.toRolledBack()), RolloutStory.seconds(done.toAllOnGood()));
                }
                out.println("demo: every step went as expected");
                return 0;
            }
        }
    }

    /**
     * Two bad versions as canaries, each caught by a different health rule: version 2 answers "unripe"
     * for every picture (no error, no slow answer: only prediction drift tells it apart), version 3
     * passes the registry's smoke test but fails to run on the line's bright pictures (error rate).
     */
    private List<RolloutStory.Rollback> rollBackBadCanaries(RolloutStory story)
            throws IOException, InterruptedException {
        List<RolloutStory.Rollback> rollbacks = new java.util.ArrayList<>();
        int step = 2;
        for (BadVersion bad : List.of(BadVersion.ALWAYS_UNRIPE, BadVersion.FAILS_ON_BRIGHT_PICTURES)) {
            out.printf("%n== %d. a bad version %s (%s) as a canary ==%n", step++, bad.version, bad.flaw);
            rollbacks.add(story.canary(bad, "1"));
        }
        return rollbacks;
    }

    private static DemoCloud.Device createDevice(DemoCloud cloud, String id) {
        try {
            return cloud.createDevice(id, GROUP);
        } catch (IOException e) {
            throw new DemoFailure("cannot create device " + id + ": " + e);
        }
    }

    /** Before the first deployment an agent following the cloud has nothing to serve: 503. */
    private void expectNoModelYet(EdgeFleet fleet, byte[] picture) throws IOException, InterruptedException {
        for (EdgeFleet.Member member : fleet.members()) {
            Camera.Reply reply = member.camera().ask(picture);
            if (reply.status() != 503) {
                throw new DemoFailure("expected " + member.deviceId() + " to answer 503 before the first deployment, found "
                        + reply.status());
            }
            out.printf("agent %s: http://127.0.0.1:%d/image answers %d %s until the first deployment%n", member.deviceId(),
                    member.agent().port(), reply.status(), reply.error());
        }
    }

    private LatencySummary latency(EdgeFleet fleet, Map<String, byte[]> samples) throws IOException, InterruptedException {
        LatencySummary latency = new LatencySummary();
        for (int round = 0; round < rounds; round++) {
            for (EdgeFleet.Member member : fleet.members()) {
                for (byte[] image : samples.values()) {
                    latency.add(member.camera().post(image).millis());
                }
            }
        }
        return latency;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a temporary folder left behind is harmless
        }
    }
}
