package dev.verge.cloud.azure.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One real Azurite (blob + table) per test JVM, on random free ports of 127.0.0.1, in memory, stopped
 * when the JVM exits. Installed by {@code ./verge fetch-test-models} under {@code .cache/npm}.
 */
public final class Azurite {

    private static final String TLS_PASSWORD = "verge-test";
    private static Azurite shared;
    private static Azurite sharedTls;
    private static RuntimeException failedStart;

    private final Process process;
    private final int blobPort;
    private final int tablePort;
    private final Path log;
    private final boolean tls;

    private Azurite(Process process, int blobPort, int tablePort, Path log, boolean tls) {
        this.process = process;
        this.blobPort = blobPort;
        this.tablePort = tablePort;
        this.log = log;
        this.tls = tls;
    }

    public static synchronized Azurite shared() {
        if (failedStart != null) {
            throw failedStart; // fail every test fast, with the first reason
        }
        if (shared == null) {
            try {
                shared = start(false);
            } catch (RuntimeException e) {
                failedStart = e;
                throw e;
            }
        }
        return shared;
    }

    /**
     * A second Azurite over HTTPS with OAuth ("--oauth basic": bearer tokens are decoded and their
     * audience, issuer and lifetime checked, their signature not). Its self-signed certificate becomes
     * the test JVM's default trust, so plain {@code HttpClient.newHttpClient()} can download from it.
     */
    public static synchronized Azurite sharedWithOAuth() {
        if (sharedTls == null) {
            sharedTls = start(true);
        }
        return sharedTls;
    }

    public URI blobEndpoint() {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + blobPort + "/" + StorageConnection.DEV_ACCOUNT);
    }

    public URI tableEndpoint() {
        return URI.create((tls ? "https" : "http") + "://127.0.0.1:" + tablePort + "/" + StorageConnection.DEV_ACCOUNT);
    }

    public String connectionString() {
        return StorageConnection.azuriteConnectionString(blobPort, tablePort);
    }

    public StorageConnection connection() {
        return StorageConnection.parse(connectionString(), "azurite");
    }

    public int blobPort() {
        return blobPort;
    }

    private static Azurite start(boolean tls) {
        String root = System.getProperty("verge.root", ".");
        Path binary = Path.of(root, ".cache", "npm", "node_modules", ".bin", "azurite");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("Azurite is not installed at " + binary
                    + ": run ./verge fetch-test-models once in the repository (it installs Azurite with npm)");
        }
        try {
            Path workspace = Files.createTempDirectory("verge-azurite");
            Path log = workspace.resolve("azurite.log");
            int blobPort = freePort();
            int queuePort = freePort();
            int tablePort = freePort();
            List<String> command = new ArrayList<>(List.of(binary.toString(),
                    "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(blobPort),
                    "--queueHost", "127.0.0.1", "--queuePort", Integer.toString(queuePort),
                    "--tableHost", "127.0.0.1", "--tablePort", Integer.toString(tablePort),
                    "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent"));
            if (tls) {
                Path pfx = selfSignedCertificate(workspace);
                command.addAll(List.of("--oauth", "basic", "--cert", pfx.toString(), "--pwd", TLS_PASSWORD));
                SSLContext.setDefault(trusting(pfx));
            }
            Process process = new ProcessBuilder(command)
                    .directory(workspace.toFile()) // anything Azurite writes lands in a temp folder
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process)));
            Azurite azurite = new Azurite(process, blobPort, tablePort, log, tls);
            azurite.awaitPorts(blobPort, tablePort);
            return azurite;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Azurite", e);
        }
    }

    private static Path selfSignedCertificate(Path dir) throws IOException {
        Path pfx = dir.resolve("azurite.pfx");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "azurite", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "2", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", pfx.toString(), "-storepass", TLS_PASSWORD, "-keypass", TLS_PASSWORD)
                .redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("keytool could not make a test certificate: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return pfx;
    }

    private static SSLContext trusting(Path pfx) {
        try (InputStream in = Files.newInputStream(pfx)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, TLS_PASSWORD.toCharArray());
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("azurite", keys.getCertificate("azurite"));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("could not trust the test certificate", e);
        }
    }

    private void awaitPorts(int... ports) throws IOException {
        try {
            // in the caller's thread: Azurite starts inside a static initializer, which a polling thread would wait on
            org.awaitility.Awaitility.await().pollInSameThread().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .failFast("Azurite exited", () -> !process.isAlive())
                    .until(() -> java.util.Arrays.stream(ports).allMatch(Azurite::answers));
        } catch (org.awaitility.core.ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            stop(process);
            throw new IllegalStateException("Azurite did not open ports " + java.util.Arrays.toString(ports)
                    + " within 60 s (" + e.getMessage() + "): " + Files.readString(log), e);
        }
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void stop(Process process) {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
