package dev.verge.edge.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.verge.wire.tls.TlsClient;
import dev.verge.wire.tls.TlsFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * --cloud-ca and --cloud-client-cert against a server that requires client certificates from the test CA, as API
 * Gateway's mutual TLS on a custom domain and an Azure Function App with client certificates required do.
 */
@Timeout(60)
class CloudTlsTest {
    @TempDir
    static Path dir;

    private static TestCa ca;
    private static HttpsServer server;
    private static Path[] device;

    @BeforeAll
    static void start() throws Exception {
        ca = TestCa.create(dir.resolve("ca"), "Verge Test Private CA");
        Path[] serverPair = ca.issue("cloud", "ip:127.0.0.1,dns:localhost");
        device = ca.issue("cam-1", null);
        TlsFiles serverCert = new TlsFiles(serverPair[0], serverPair[1]);
        // the server's context: its own pair, and the private CA as the only issuer of client certificates
        SSLContext serving = SSLContext.getInstance("TLS");
        serving.init(new javax.net.ssl.KeyManager[] {serverCert}, trustManagers(ca.bundle()), null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serving) {
            @Override
            public void configure(HttpsParameters params) {
                var p = serving.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/", exchange -> {
            String subject = ((X509Certificate) ((HttpsExchange) exchange).getSSLSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName();
            byte[] body = subject.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static javax.net.ssl.TrustManager[] trustManagers(Path bundle) throws Exception {
        java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", ca.certificate());
        javax.net.ssl.TrustManagerFactory f = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        return f.getTrustManagers();
    }

    private static HttpResponse<String> get(CloudTls tls) throws Exception {
        SSLContext context = tls.context();
        HttpClient client = tls.applyTo(HttpClient.newBuilder(), context).connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/api/health"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void privateCaAndClientCertificate_mutualTlsAnswered() throws Exception {
        HttpResponse<String> answer = get(new CloudTls(ca.bundle(), device[0], device[1]));

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).contains("CN=cam-1");
    }

    @Test
    void privateCaWithoutClientCertificate_refusedByTheServer() {
        assertThatThrownBy(() -> get(new CloudTls(ca.bundle(), null, null))).isInstanceOf(IOException.class);
    }

    @Test
    void jdkDefaultTrustAlone_doesNotTrustThePrivateCa() {
        assertThatThrownBy(() -> get(new CloudTls(null, device[0], device[1]))).isInstanceOf(IOException.class);
    }

    @Test
    void onlyOneOfTheClientPair_refused() {
        assertThatThrownBy(() -> new CloudTls(null, device[0], null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--cloud-client-key");
    }

    @Test
    void caBundleWithoutCertificates_refusedNamingTheFormat() throws Exception {
        Path empty = dir.resolve("empty.pem");
        java.nio.file.Files.writeString(empty, "nothing here\n");
        assertThatThrownBy(() -> new CloudTls(empty, null, null).context()).hasMessageContaining("PEM certificates");
    }
}
