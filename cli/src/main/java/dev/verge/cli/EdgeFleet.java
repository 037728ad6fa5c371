package dev.verge.cli;

import dev.verge.edge.AgentSettings;
import dev.verge.edge.EdgeAgent;
import dev.verge.edge.sync.SyncSettings;
import dev.verge.edge.telemetry.TelemetrySettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Edge agents of one device group, in this process, each following the cloud as a box on the line
 * does: sync on (its own device id, key and state directory, the cloud's signing key trusted), telemetry
 * journaled in the state directory and sent to the same cloud, no model until the cloud sends one.
 */
final class EdgeFleet implements AutoCloseable {

    /** One agent, the device it is, and a camera pointed at it. */
    record Member(String deviceId, EdgeAgent agent, Camera camera) {}

    private final List<Member> members;

    private EdgeFleet(List<Member> members) {
        this.members = List.copyOf(members);
    }

    /** Starts one agent per device; {@code poll} is how often each asks the cloud what to run. */
    static EdgeFleet start(URI cloud, List<DemoCloud.Device> devices, PublicKey trustedKey, Path stateRoot, Duration poll) {
        List<Member> started = new ArrayList<>();
        try {
            for (DemoCloud.Device device : devices) {
                Path state = stateRoot.resolve(device.id());
                SyncSettings sync = SyncSettings.of(cloud, device.id(), device.key(), trustedKey, state)
                        .withTimings(poll, Duration.ofSeconds(10), poll, Duration.ofSeconds(5));
                TelemetrySettings telemetry = TelemetrySettings.defaults().withEnabled(true)
                        .withCloud(cloud, device.id(), device.key())
                        .withJournal(state.resolve("telemetry.db"), 16L * 1024 * 1024, Duration.ofDays(1))
                        .withBatches(500, Duration.ofSeconds(1));
                // the path is never read: with sync on and no model, the agent answers 503 until the cloud's first package
                AgentSettings settings = AgentSettings.defaults(Path.of("unused")).withHost("127.0.0.1").withPort(0)
                        .withSync(null, sync).withTelemetry(telemetry);
                EdgeAgent agent = EdgeAgent.start(settings);
                started.add(new Member(device.id(), agent, new Camera("http://127.0.0.1:" + agent.port())));
            }
        } catch (RuntimeException e) {
            started.forEach(m -> m.agent().close());
            throw e;
        }
        return new EdgeFleet(started);
    }

    List<Member> members() {
        return members;
    }

    Member member(String deviceId) {
        return members.stream().filter(m -> m.deviceId().equals(deviceId)).findFirst()
                .orElseThrow(() -> new DemoFailure("no agent of device " + deviceId + " in the fleet"));
    }

    /**
     * Waits until each agent of {@code deviceIds} serves {@code version}; answers how long that took. On
     * {@code timeout}, a failure naming the agents that do not. {@code meanwhile} runs between checks.
     */
    Duration awaitServing(String model, String version, Collection<String> deviceIds, Duration timeout, Runnable meanwhile)
            throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (true) {
            List<String> behind = new ArrayList<>();
            for (String id : deviceIds) {
                if (!serves(member(id), model, version)) {
                    behind.add(id);
                }
            }
            if (behind.isEmpty()) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            if (System.nanoTime() > deadline) {
                throw new DemoFailure(behind + " do not serve " + model + " " + version + " after " + timeout.toSeconds() + " s");
            }
            meanwhile.run();
            Thread.sleep(20);
        }
    }

    Duration awaitServing(String model, String version, Duration timeout) throws InterruptedException {
        return awaitServing(model, version, members.stream().map(Member::deviceId).toList(), timeout, () -> {});
    }

    private static boolean serves(Member member, String model, String version) throws InterruptedException {
        try {
            return member.camera().serves(model, version);
        } catch (IOException e) {
            throw new DemoFailure("the agent of " + member.deviceId() + " does not answer: " + e);
        }
    }

    /**
     * The line keeps sending pictures while the demo waits: each agent gets every picture once, answers
     * unread (the agents count them in their status reports and journal them as telemetry).
     */
    void sendPictures(Collection<byte[]> pictures) {
        for (Member member : members) {
            for (byte[] picture : pictures) {
                try {
                    member.camera().ask(picture);
                } catch (IOException e) {
                    throw new DemoFailure("the agent of " + member.deviceId() + " does not answer: " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DemoFailure("interrupted");
                }
            }
        }
    }

    /** Stops every agent: requests in flight finish, the journal is committed, the models are closed. */
    @Override
    public void close() {
        for (Member member : members) {
            member.agent().close();
        }
    }
}
