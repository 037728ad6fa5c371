package dev.verge.cloud.azure.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One real Azurite (blob + table) per test JVM, on random free ports of 127.0.0.1, in memory, stopped
 * when the JVM exits. Installed by {@code ./verge fetch-test-models} under {@code .cache/npm}.
 */
public final class Azurite {

    private static Azurite shared;
    private static RuntimeException failedStart;

    private final Process process;
    private final int blobPort;
    private final int tablePort;
    private final Path log;

    private Azurite(Process process, int blobPort, int tablePort, Path log) {
        this.process = process;
        this.blobPort = blobPort;
        this.tablePort = tablePort;
        this.log = log;
    }

    public static synchronized Azurite shared() {
        if (failedStart != null) {
            throw failedStart; // fail every test fast, with the first reason
        }
        if (shared == null) {
            try {
                shared = start();
            } catch (RuntimeException e) {
                failedStart = e;
                throw e;
            }
        }
        return shared;
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

    private static Azurite start() {
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
            Process process = new ProcessBuilder(List.of(binary.toString(),
                            "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(blobPort),
                            "--queueHost", "127.0.0.1", "--queuePort", Integer.toString(queuePort),
                            "--tableHost", "127.0.0.1", "--tablePort", Integer.toString(tablePort),
                            "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent"))
                    .directory(workspace.toFile()) // anything Azurite writes lands in a temp folder
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process)));
            Azurite azurite = new Azurite(process, blobPort, tablePort, log);
            azurite.awaitPorts(blobPort, tablePort);
            return azurite;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Azurite", e);
        }
    }

    private void awaitPorts(int... ports) throws IOException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        for (int port : ports) {
            while (!answers(port)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Azurite exited with " + process.exitValue() + ": " + Files.readString(log));
                }
                if (Instant.now().isAfter(deadline)) {
                    stop(process);
                    throw new IllegalStateException("Azurite did not open port " + port + " within 60 s: " + Files.readString(log));
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Azurite", e);
                }
            }
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
