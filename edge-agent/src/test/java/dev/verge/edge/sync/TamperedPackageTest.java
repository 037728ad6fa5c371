package dev.verge.edge.sync;

import static dev.verge.edge.sync.Eventually.EVENTUALLY;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.demo.DemoModels;
import dev.verge.inference.pkg.PackageSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A package that is not exactly what the cloud signed is never loaded: the agent keeps serving version 1,
 * reports why in lastError, and does not fetch the same bad package again until the desired state changes.
 */
class TamperedPackageTest {
    @TempDir
    Path dir;
    private FakeCloud cloud;
    private SyncedAgent agent;

    @BeforeEach
    void serveVersion1() {
        cloud = FakeCloud.start();
        agent = SyncedAgent.start(SyncedAgent.settings(cloud.uri(), cloud.trustedKey(), dir.resolve("state")));
        cloud.deploy(DemoModels.NAME, "1", Packages.fruitQuality(dir, "1"));
        EVENTUALLY.alias("version 1 served").until(() -> "1".equals(agent.servedVersion()));
    }

    @AfterEach
    void stop() {
        agent.close();
        cloud.close();
    }

    @Test
    void package_oneByteChanged_refusedOldVersionKeptAndReported() throws Exception {
        byte[] v2 = Packages.fruitQuality(dir, "2");
        PackageRef announced = cloud.announce(DemoModels.NAME, "2", v2);
        byte[] tampered = v2.clone();
        tampered[tampered.length / 2] ^= 1;

        cloud.deploy(announced, tampered);

        JsonNode error = refusedWith("package_sha256_mismatch");
        assertThat(error.path("version").asText()).isEqualTo("2");
        assertThat(error.path("message").asText()).contains(announced.sha256());
        assertThat(cloud.downloads).as("downloads of version 1 and the tampered version 2").hasSize(2);
        assertNotRetried(2);
        try (Stream<Path> parts = Files.list(dir.resolve("state/downloads"))) {
            assertThat(parts).as("the bad bytes are not kept for a resume").isEmpty();
        }
    }

    @Test
    void package_tamperedBehindAFreshPresignedUrlOnEveryPoll_notRetried() {
        byte[] v2 = Packages.fruitQuality(dir, "2");
        byte[] tampered = v2.clone();
        tampered[tampered.length - 30] ^= 1;
        cloud.presignEveryAnswer();

        cloud.deploy(cloud.announce(DemoModels.NAME, "2", v2), tampered);

        refusedWith("package_sha256_mismatch");
        assertNotRetried(2);
    }

    @Test
    void package_signedByAnotherKey_refusedBeforeDownloading() {
        byte[] v2 = Packages.fruitQuality(dir, "2");
        PackageRef honest = cloud.announce(DemoModels.NAME, "2", v2);
        String forged = PackageSignature.sign(PackageSignature.generateKeyPair().getPrivate(), honest.model(),
                honest.version(), honest.sha256(), honest.size());

        cloud.deploy(new PackageRef(honest.model(), honest.version(), honest.sha256(), honest.size(), forged), v2);

        refusedWith("package_signature_invalid");
        assertThat(cloud.downloads).as("only version 1 was downloaded").hasSize(1);
        assertNotRetried(1);
    }

    @Test
    void package_signatureOfAnotherVersion_refused() {
        byte[] v2 = Packages.fruitQuality(dir, "2");
        PackageRef signedAs2 = cloud.announce(DemoModels.NAME, "2", v2);

        cloud.deploy(new PackageRef(DemoModels.NAME, "3", signedAs2.sha256(), signedAs2.size(), signedAs2.signature()), v2);

        refusedWith("package_signature_invalid");
    }

    @Test
    void package_shorterThanAnnounced_refusedAsWrongSize() {
        byte[] v2 = Packages.fruitQuality(dir, "2");
        PackageRef announced = cloud.announce(DemoModels.NAME, "2", v2);

        cloud.deploy(announced, Arrays.copyOf(v2, v2.length - 100));

        refusedWith("package_size_mismatch");
        assertNotRetried(2);
    }

    @Test
    void package_longerThanAnnounced_downloadStoppedAndRefused() {
        byte[] v2 = Packages.fruitQuality(dir, "2");
        PackageRef announced = cloud.announce(DemoModels.NAME, "2", v2);
        byte[] padded = Arrays.copyOf(v2, v2.length + 64 * 1024);

        cloud.deploy(announced, padded);

        refusedWith("package_size_mismatch");
        assertNotRetried(2);
    }

    @Test
    void package_manifestOfAnotherVersion_refused() {
        byte[] manifestSays4 = Packages.fruitQuality(dir, "4");

        cloud.deploy(DemoModels.NAME, "5", manifestSays4); // honestly signed as 5, but the package inside is 4

        refusedWith("package_manifest_mismatch");
    }

    @Test
    void package_modelFailsToLoad_refusedOldVersionKept() throws Exception {
        cloud.deploy(DemoModels.NAME, "2", Packages.unloadable(dir, "2"));

        JsonNode error = refusedWith(null);
        assertThat(error.path("code").asText()).isNotBlank();
        assertThat(error.path("message").asText()).contains("does not load");
        assertNotRetried(2);
        try (Stream<Path> kept = Files.list(dir.resolve("state/packages"))) {
            assertThat(kept.filter(p -> p.toString().endsWith(".zip"))).as("only version 1 is kept").hasSize(1);
        }
    }

    @Test
    void package_refusedThenDesiredStateChanges_newVersionInstalled() {
        byte[] v2 = Packages.fruitQuality(dir, "2");
        byte[] tampered = v2.clone();
        tampered[10] ^= 1;
        cloud.deploy(cloud.announce(DemoModels.NAME, "2", v2), tampered);
        refusedWith("package_sha256_mismatch");

        cloud.deploy(DemoModels.NAME, "3", Packages.fruitQuality(dir, "3"));

        EVENTUALLY.alias("version 3 served").until(() -> "3".equals(agent.servedVersion()));
        EVENTUALLY.alias("a report without error").until(() -> "3".equals(cloud.lastReport().path("version").asText())
                && cloud.lastReport().path("lastError").isNull());
    }

    /** Waits for a report of the refusal; checks that version 1 still serves. Answers the report's lastError. */
    private JsonNode refusedWith(String code) {
        EVENTUALLY.alias("a report of the refused version 2").until(() -> cloud.reports.stream().anyMatch(r ->
                r.path("lastError").isObject() && (code == null || code.equals(r.path("lastError").path("code").asText()))));
        JsonNode report = cloud.reports.stream().filter(r -> r.path("lastError").isObject()).findFirst().orElseThrow();
        assertThat(report.path("version").asText()).as("the version still served").isEqualTo("1");
        assertThat(agent.servedVersion()).isEqualTo("1");
        SyncedAgent.Answer answer = agent.classify();
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.iteration()).isEqualTo("1");
        return report.path("lastError");
    }

    /** A few more polls see the same desired state: the bad package is not fetched again, and still reported. */
    private void assertNotRetried(int downloads) {
        int calls = cloud.desiredCalls.get();
        EVENTUALLY.alias("five more polls").until(() -> cloud.desiredCalls.get() >= calls + 5);
        assertThat(cloud.downloads).hasSize(downloads);
        assertThat(cloud.lastReport().path("lastError").isObject()).isTrue();
    }
}
