package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.demo.DemoModels;
import dev.verge.wire.tls.TlsFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --tls-cert and --tls-key with a test CA made here by the JDK's keytool: HTTPS only, and a renewed pair served live. */
class TlsTest {
    private static final String PASSWORD = "test-only";

    @TempDir
    static Path dir;

    private static X509Certificate ca;
    private static SSLContext trustingTheCa;
    private static EdgeAgent agent;
    private static Path certFile;
    private static Path keyFile;

    @BeforeAll
    static void start() throws Exception {
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-dname", "CN=Verge Test CA", "-ext", "bc:c",
                "-validity", "2", "-keystore", dir.resolve("ca.p12").toString());
        ca = (X509Certificate) keystore("ca.p12").getCertificate("ca");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        trustingTheCa = SSLContext.getInstance("TLS");
        trustingTheCa.init(null, tmf.getTrustManagers(), null);

        certFile = dir.resolve("agent.crt");
        keyFile = dir.resolve("agent.key");
        issue("first", certFile, keyFile);
        Path model = DemoModels.fruitQuality(dir, "3");
        agent = EdgeAgent.start(AgentSettings.defaults(model).withHost("127.0.0.1").withPort(0)
                .withAccess(AccessSettings.defaults().withTls(certFile, keyFile)));
    }

    @AfterAll
    static void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void https_clientTrustingTheCa_answered() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trustingTheCa).build();
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                URI.create("https://127.0.0.1:" + agent.port() + "/v2/health/live")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
    }

    @Test
    void plainHttp_onTheHttpsPort_notAnswered() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + "/v2/health/live"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
    }

    @Test
    void renewedCertificate_servedWithoutARestart() throws Exception {
        X509Certificate before = served();
        Path newCert = dir.resolve("renewed.crt");
        Path newKey = dir.resolve("renewed.key");
        issue("renewed", newCert, newKey);
        // as certbot and cert-manager do: new files moved into place
        Files.move(newKey, keyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(newCert, certFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        FileTime later = FileTime.from(Instant.now().plusSeconds(5));
        Files.setLastModifiedTime(certFile, later);
        Files.setLastModifiedTime(keyFile, later);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> !served().getSerialNumber().equals(before.getSerialNumber()));
        assertThat(served().getSubjectX500Principal().getName()).contains("renewed");
    }

    @Test
    void tlsSettings_onlyOneOfThePair_refused() {
        assertThatThrownBy(() -> AccessSettings.defaults().withTls(certFile, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--tls-key");
    }

    @Test
    void tlsFiles_keyThatIsNoPkcs8_refusedAtStartNamingTheFormat() throws IOException {
        Path bad = dir.resolve("bad.key");
        Files.writeString(bad, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        assertThatThrownBy(() -> new TlsFiles(certFile, bad)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PKCS#8");
    }

    private static X509Certificate served() throws IOException {
        try (SSLSocket socket = (SSLSocket) trustingTheCa.getSocketFactory().createSocket("127.0.0.1", agent.port())) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /** A certificate for 127.0.0.1 signed by the test CA, as PEM chain and PEM PKCS#8 key. */
    private static void issue(String name, Path cert, Path key) throws Exception {
        String store = dir.resolve(name + ".p12").toString();
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-dname", "CN=" + name, "-validity", "2", "-keystore", store);
        keytool("-certreq", "-alias", name, "-keystore", store, "-file", dir.resolve(name + ".csr").toString());
        keytool("-gencert", "-alias", "ca", "-keystore", dir.resolve("ca.p12").toString(), "-infile", dir.resolve(name + ".csr").toString(),
                "-outfile", dir.resolve(name + ".signed").toString(), "-ext", "san=ip:127.0.0.1", "-validity", "2", "-rfc");
        Files.writeString(cert, Files.readString(dir.resolve(name + ".signed")) + pem("CERTIFICATE", ca.getEncoded()));
        KeyStore keys = keystore(name + ".p12");
        Files.writeString(key, pem("PRIVATE KEY", keys.getKey(name, PASSWORD.toCharArray()).getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static KeyStore keystore(String file) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(file))) {
            keys.load(in, PASSWORD.toCharArray());
        }
        return keys;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
        }
    }
}
