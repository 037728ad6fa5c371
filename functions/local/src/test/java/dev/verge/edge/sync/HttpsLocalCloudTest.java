package dev.verge.edge.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.devices.DeviceCredentials;
import dev.verge.cloud.local.LocalCloud;
import dev.verge.cloud.registry.PackageSource;
import dev.verge.cloud.rollout.DeploymentRequest;
import dev.verge.cloud.rollout.HealthRules;
import dev.verge.demo.DemoModels;
import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local cloud with --tls-cert/--tls-key, followed by an agent that trusts the cloud's private CA
 * (--cloud-ca): the desired state, the signed package and its download all travel over HTTPS, and plain HTTP
 * on the port gets no answer.
 */
@Timeout(120)
class HttpsLocalCloudTest {
    @TempDir
    Path dir;

    @Test
    void agentTrustingThePrivateCa_followsTheHttpsCloud_andARenewedCertificateIsServed() throws Exception {
        TestCa ca = TestCa.create(dir.resolve("ca"), "Verge Test Cloud CA");
        Path[] pair = ca.issue("cloud", "ip:127.0.0.1,dns:localhost");
        LocalCloud.Settings settings = LocalCloud.Settings.of(dir.resolve("cloud"), CloudConfig.withApiKeys("https-cloud-key-0123456789"))
                .withTls(pair[0], pair[1]);
        try (LocalCloud cloud = LocalCloud.start(settings)) {
            assertThat(cloud.baseUri().getScheme()).isEqualTo("https");
            CloudServices services = cloud.services();
            services.registry().register(new ByteArrayInputStream(Packages.fruitQuality(dir, "1")), DemoModels.NAME,
                    PackageSource.api("test"));
            DeviceCredentials device = services.devices().create("cam-9", "line-9");
            services.deployments().create(new DeploymentRequest("line-9", DemoModels.NAME, "1", TextNode.valueOf("all-at-once"),
                    HealthRules.none(), null, null), "test");
            SyncSettings sync = SyncSettings.of(cloud.baseUri(), device.id(), device.primaryKey(),
                            dev.verge.inference.pkg.PackageSignature.publicKey(services.signer().publicKeyBase64()), dir.resolve("state"))
                    .withTimings(Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofMillis(20), Duration.ofMillis(200))
                    .withTls(new CloudTls(ca.bundle(), null, null));

            try (SyncedAgent agent = SyncedAgent.start(sync, false)) {
                agent.sync.poll();
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> "1".equals(agent.servedVersion()));
            }

            // the JDK's default trust does not know the private CA
            try (SyncedAgent untrusting = SyncedAgent.start(sync.withTls(CloudTls.DEFAULT).withStateDir(dir.resolve("state-2")), false)) {
                assertThatThrownBy(untrusting.sync::poll).isInstanceOf(RuntimeException.class);
                assertThat(untrusting.servedVersion()).isNull();
            }

            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + cloud.port() + "/api/health"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);

            // renewed in place, as certbot does: served from the next handshake, no restart
            String before = served(ca, cloud.port());
            Path[] renewed = ca.issue("cloud-renewed", "ip:127.0.0.1,dns:localhost");
            Files.move(renewed[1], pair[1], StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(renewed[0], pair[0], StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            FileTime later = FileTime.from(Instant.now().plusSeconds(5));
            Files.setLastModifiedTime(pair[0], later);
            Files.setLastModifiedTime(pair[1], later);
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                    .until(() -> !served(ca, cloud.port()).equals(before));
            assertThat(served(ca, cloud.port())).contains("cloud-renewed");
        }
    }

    private static String served(TestCa ca, int port) throws Exception {
        javax.net.ssl.SSLContext context = dev.verge.wire.tls.TlsClient.context(ca.bundle(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.startHandshake();
            return ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }
}
