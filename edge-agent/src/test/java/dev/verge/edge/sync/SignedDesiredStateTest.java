package dev.verge.edge.sync;

import static dev.verge.edge.sync.Eventually.EVENTUALLY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.demo.DemoModels;
import dev.verge.inference.pkg.PackageSignature;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fake cloud as an attacker on the device's network, or a cloud gone wrong, would answer: every statement
 * the agent must not act on is refused with its reason in the status report and in /metrics, and the version
 * it serves stays.
 */
class SignedDesiredStateTest {
    @TempDir
    Path dir;
    private FakeCloud cloud;
    private SyncedAgent agent;

    @BeforeEach
    void startCloud() {
        cloud = FakeCloud.start();
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        cloud.close();
    }

    private SyncedAgent startAgent() {
        agent = SyncedAgent.start(SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), dir.resolve("state")));
        return agent;
    }

    private void serve(String version) {
        cloud.deploy(DemoModels.NAME, version, Packages.fruitQuality(dir, version));
        EVENTUALLY.alias("version " + version + " served").until(() -> version.equals(agent.servedVersion()));
    }

    private void awaitRefusal(String code) {
        EVENTUALLY.alias("a status report with lastError " + code).until(() -> !cloud.reportsWithError(code).isEmpty());
        assertThat(agent.metrics()).contains("verge_sync_refusals_total{reason=\"" + code + "\"}");
    }

    @Test
    void replay_olderStatementSignedByTheCloud_refusedAndTheNewerVersionServes() {
        startAgent();
        serve("1");
        byte[] captured = cloud.answers.get(cloud.answers.size() - 1);
        serve("2");

        cloud.replay(captured);

        awaitRefusal("statement_replayed");
        assertThat(agent.servedVersion()).isEqualTo("2");
        assertThat(cloud.lastReport().path("version").asText()).isEqualTo("2");
    }

    @Test
    void replay_afterARestart_refusedBecauseTheRevisionIsOnDisk() {
        startAgent();
        serve("1");
        byte[] captured = cloud.answers.get(cloud.answers.size() - 1);
        serve("2");
        agent.close();

        cloud.replay(captured);
        startAgent();

        awaitRefusal("statement_replayed");
        assertThat(agent.servedVersion()).isEqualTo("2");
    }

    @Test
    void statement_forAnotherDevice_refusedAndNothingInstalled() {
        startAgent();
        cloud.statementsFor("cam-2");
        cloud.deploy(DemoModels.NAME, "1", Packages.fruitQuality(dir, "1"));

        awaitRefusal("statement_wrong_device");
        assertThat(agent.servedVersion()).isNull();
        assertThat(cloud.downloads).isEmpty();
    }

    @Test
    void statement_expired_refusedInstallsNothingNewButServesOn() {
        startAgent();
        serve("1");

        cloud.clock(Duration.ofHours(-2), Duration.ofHours(1));
        cloud.deploy(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"));

        awaitRefusal("statement_expired");
        assertThat(agent.servedVersion()).isEqualTo("1");
        assertThat(agent.classify().status()).isEqualTo(200);
    }

    /** Minutes: the cloud's clock ahead of the device's (positive) or behind it, both within the 5 minutes allowed. */
    @ParameterizedTest
    @ValueSource(longs = {4, -4})
    void statement_clockSkewWithinTheAllowance_taken(long minutes) {
        startAgent();
        // behind: a statement good for one hour issued 64 minutes ago by the cloud's clock expired 4 minutes ago
        cloud.clock(minutes > 0 ? Duration.ofMinutes(minutes) : Duration.ofMinutes(-60 + minutes), Duration.ofHours(1));

        serve("1");

        assertThat(cloud.reports).noneMatch(r -> r.path("lastError").path("code").asText().startsWith("statement_"));
    }

    @Test
    void statement_changedAfterSigning_refusedSignatureInvalid() {
        startAgent();
        serve("1");

        cloud.tamperWithStatements();
        cloud.deploy(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"));

        awaitRefusal("statement_signature_invalid");
        assertThat(agent.servedVersion()).isEqualTo("1");
    }

    @Test
    void statement_signedWithAnotherKey_refusedSignatureInvalid() {
        startAgent();
        KeyPair stranger = PackageSignature.generateKeyPair();
        cloud.signWith(List.of(stranger), List.of(stranger.getPublic()));

        cloud.deploy(DemoModels.NAME, "1", Packages.fruitQuality(dir, "1"));

        awaitRefusal("statement_signature_invalid");
        assertThat(agent.servedVersion()).isNull();
    }

    @Test
    void statement_sameRevisionSayingSomethingElse_refusedConflict() {
        startAgent();
        serve("1");

        cloud.keepRevision();
        cloud.deploy(DemoModels.NAME, "2", Packages.fruitQuality(dir, "2"));

        awaitRefusal("statement_conflict");
        assertThat(agent.servedVersion()).isEqualTo("1");
    }

    @Test
    void cloud_protocolOne_refusedStatementUnsigned() {
        cloud.answerUnsigned();
        startAgent();

        cloud.deploy(DemoModels.NAME, "1", Packages.fruitQuality(dir, "1"));

        awaitRefusal("statement_unsigned");
        assertThat(agent.servedVersion()).isNull();
    }

    @Test
    void keyRotation_announcedThenSwitched_newKeyTakenAndItsPackageServedOfflineAfterARestart() {
        startAgent();
        serve("1");
        KeyPair next = PackageSignature.generateKeyPair();
        KeyPair first = cloudKey();

        cloud.signWith(List.of(first), List.of(first.getPublic(), next.getPublic())); // 1: announce
        EVENTUALLY.alias("the announcement taken").until(() -> agent.sync.lastError().isEmpty()
                && cloud.answers.size() > 3 && dir.resolve("state/trust.json").toFile().exists()
                && readTrust().announcedKeys().contains(PackageSignature.encode(next.getPublic())));
        cloud.signWith(List.of(next, first), List.of(next.getPublic()));   // 2: switch, co-signed by the previous key
        serve("2");
        cloud.signWith(List.of(next), List.of(next.getPublic()));          // 3: the previous key gone
        cloud.deploy(DemoModels.NAME, "3", Packages.fruitQuality(dir, "3"));
        EVENTUALLY.alias("version 3 served").until(() -> "3".equals(agent.servedVersion()));
        agent.close();

        agent = SyncedAgent.start(SyncedAgent.settings(SyncedAgent.unreachableCloud(), cloud.trustedKey(), dir.resolve("state")));

        assertThat(agent.servedVersion()).as("served offline from the state directory, signed by the new key").isEqualTo("3");
    }

    @Test
    void keyRotation_agentThatMissedTheAnnouncement_takesStatementsCoSignedByThePreviousKey() {
        startAgent();
        KeyPair next = PackageSignature.generateKeyPair();
        cloud.signWith(List.of(next, cloudKey()), List.of(next.getPublic()));

        serve("1");

        assertThat(readTrust().announcedKeys()).containsExactly(PackageSignature.encode(next.getPublic()));
    }

    private KeyPair cloudKey() {
        return new KeyPair(cloud.trustedKey(), cloud.signingKey());
    }

    private TrustState readTrust() {
        try {
            return dev.verge.inference.json.Json.mapper().readValue(dir.resolve("state/trust.json").toFile(), TrustState.class);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
