package dev.verge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.demo.DemoModels;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The steps of the demo's story against a running cloud and fleet: deploy a good version to the group,
 * roll out a bad one as a canary and watch the controller roll it back, show the history. Each step
 * checks what it sees and throws {@link DemoFailure} when the story goes otherwise.
 */
final class RolloutStory {
    static final String MODEL = DemoModels.NAME;
    private static final Duration LINE_EVERY = Duration.ofMillis(500);

    /** What a rollback took, from {@code POST /api/deployments} of the bad version. */
    record Rollback(BadVersion version, String reason, Duration toRolledBack, Duration toAllOnGood) {}

    private final PrintStream out;
    private final DemoCloud cloud;
    private final EdgeFleet fleet;
    private final Map<String, byte[]> samples;
    private final Path packages;
    /** The longest wait for any one step. */
    private final Duration timeout;
    private final String group;

    RolloutStory(PrintStream out, DemoCloud cloud, EdgeFleet fleet, Map<String, byte[]> samples, Path packages,
                 Duration timeout, String group) {
        this.out = out;
        this.cloud = cloud;
        this.fleet = fleet;
        this.samples = samples;
        this.packages = packages;
        this.timeout = timeout;
        this.group = group;
    }

    /** Registers the good version, deploys it to every device at once, waits until all serve it; answers that time. */
    Duration deployGood(String version) throws IOException, InterruptedException {
        register(DemoModels.fruitQuality(packages, version));
        long posted = System.nanoTime();
        DemoCloud.Deployment d = cloud.deploy(group, MODEL, version, text("all-at-once"), json("{}"));
        out.printf("deployment %s: %s/%s to %s, all at once%n", d.id(), MODEL, version, group);
        fleet.awaitServing(MODEL, version, deviceIds(), timeout, () -> {});
        Duration serving = since(posted);
        out.printf("all %d agents serve %s %s %s after POST /api/deployments%n", deviceIds().size(), MODEL, version, seconds(serving));
        d = cloud.awaitState(d.id(), Set.of("promoted"), timeout, () -> {});
        out.printf("deployment %s: %s (%s)%n%n", d.id(), d.state(), d.lastReason());
        expectAllRight(ClassificationTable.classify(out, samples, fleet.members()), version);
        return serving;
    }

    /**
     * Rolls {@code bad} out to half of the group as a canary with health rules (error rate, drift) and
     * waits for the controller to roll it back; a {@link DemoFailure} when it does not, or anything
     * else goes differently.
     */
    Rollback canary(BadVersion bad, String good) throws IOException, InterruptedException {
        register(bad.write(packages));
        long posted = System.nanoTime();
        // a long bake: a bad canary must be caught by a rule, never promoted because the demo ran long
        DemoCloud.Deployment d = cloud.deploy(group, MODEL, bad.version,
                json("{\"type\": \"canary\", \"percent\": 50, \"bakeMinutes\": 60}"),
                json("{\"maxErrorRate\": 0.05, \"maxDrift\": 0.2, \"minRequests\": 16}"));
        List<String> canaries = d.canaryDevices();
        if (canaries.size() != 1) {
            throw new DemoFailure("expected one canary of the " + deviceIds().size() + " devices at 50 %, found " + canaries);
        }
        String canary = canaries.get(0);
        out.printf("deployment %s: %s/%s (%s) as a canary on %s; health rules maxErrorRate 0.05, maxDrift 0.2"
                + " (from 16 requests)%n", d.id(), MODEL, bad.version, bad.flaw, canary);
        fleet.awaitServing(MODEL, bad.version, List.of(canary), timeout, () -> {});
        // a device that was the canary of an earlier, replaced deployment goes back to the good version
        fleet.awaitServing(MODEL, good, deviceIds().stream().filter(id -> !id.equals(canary)).toList(), timeout, () -> {});
        out.printf("the canary %s serves %s %s after POST /api/deployments%n%n", canary, bad.version, seconds(since(posted)));

        Map<String, ClassificationTable.Tally> tallies = ClassificationTable.classify(out, samples, fleet.members());
        if (!bad.behavesAsExpected(tallies.get(canary))) {
            throw new DemoFailure("expected the canary " + canary + " on " + bad.version + " to show its flaw (" + bad.flaw
                    + "), found " + tallies.get(canary));
        }
        tallies.forEach((id, tally) -> {
            if (!id.equals(canary) && (tally.right() != tally.total() || !tally.versions().equals(Set.of(good)))) {
                throw new DemoFailure("expected " + id + " (not a canary) to stay on " + good + " and answer every picture"
                        + " right, found " + tally);
            }
        });

        out.printf("%nwaiting for %s: up to %d s for the rollout controller to roll %s back by %s (the line keeps sending"
                + " pictures)%n", bad.signal, timeout.toSeconds(), bad.version, bad.rule);
        DemoCloud.Deployment after = cloud.awaitState(d.id(), Set.of("rolled-back"), timeout, lineTraffic());
        Duration rolledBack = since(posted);
        if (!after.lastReason().contains(bad.rule)) {
            throw new DemoFailure("expected " + bad.version + " to be rolled back by rule " + bad.rule + ", found: "
                    + after.lastReason());
        }
        out.printf("deployment %s: rolled-back %s after POST /api/deployments: %s%n", d.id(), seconds(rolledBack), after.lastReason());
        fleet.awaitServing(MODEL, good, deviceIds(), timeout, () -> {});
        Duration allGood = since(posted);
        out.printf("all %d agents serve %s %s again %s after POST /api/deployments%n%n", deviceIds().size(), MODEL, good,
                seconds(allGood));
        expectAllRight(ClassificationTable.classify(out, samples, fleet.members()), good);
        return new Rollback(bad, after.lastReason(), rolledBack, allGood);
    }

    /** Prints the group's deployments, oldest first, each with every recorded step and its reason. */
    void printHistory() {
        JsonNode list = cloud.deployments(group);
        out.printf("%ndeployment history of %s (GET /api/deployments?group=%s)%n", group, group);
        for (int i = list.size() - 1; i >= 0; i--) {
            JsonNode d = list.get(i);
            out.printf("  %s  %s/%s  %s  -> %s%n", d.path("id").asText(), d.path("model").asText(), d.path("version").asText(),
                    d.path("strategy").path("type").asText(), d.path("state").asText());
            for (JsonNode step : d.path("history")) {
                out.printf("      %-24s %-12s %s%n", step.path("at").asText(), step.path("state").asText(), step.path("reason").asText());
            }
        }
    }

    private void register(Path packageDir) throws IOException {
        Path zip = DemoModels.zip(packageDir, Files.createDirectories(packages.resolve("zips")).resolve(packageDir.getFileName() + ".zip"));
        cloud.register(MODEL, zip);
        out.printf("registered %s (%s)%n", packageDir.getFileName(), zip);
    }

    private void expectAllRight(Map<String, ClassificationTable.Tally> tallies, String version) {
        tallies.forEach((id, tally) -> {
            if (tally.right() != tally.total() || !tally.versions().equals(Set.of(version))) {
                throw new DemoFailure("expected " + id + " to answer every picture right on version " + version + ", found " + tally);
            }
        });
    }

    private List<String> deviceIds() {
        return fleet.members().stream().map(EdgeFleet.Member::deviceId).toList();
    }

    private static JsonNode json(String text) throws IOException {
        return CloudClient.JSON.readTree(text);
    }

    private static JsonNode text(String value) {
        return CloudClient.JSON.getNodeFactory().textNode(value);
    }

    private static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toNanos() / 1e9);
    }

    /** The line's traffic while waiting: every picture to every agent, at most every {@code LINE_EVERY}. */
    private Runnable lineTraffic() {
        long[] last = {0};
        return () -> {
            if (System.nanoTime() - last[0] >= LINE_EVERY.toNanos()) {
                last[0] = System.nanoTime();
                fleet.sendPictures(samples.values());
            }
        };
    }
}
