package dev.verge.cloud.aws;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One dynalite (an open-source DynamoDB emulator on Node.js, Apache-2.0) on a free port of 127.0.0.1,
 * in memory. Installed by {@code ./verge fetch-test-models} under {@code .cache/npm}, as Azurite is
 * for the Azure tests. Also started by bench/ for the AWS handler's runs.
 */
public final class Dynalite implements AutoCloseable {

    private static final String LISTENING = "Dynalite listening at";
    private static final int ATTEMPTS = 3;

    private final Process process;
    private final URI endpoint;

    private Dynalite(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Starts dynalite as installed under {@code root/.cache/npm}; {@link #close()} stops it. */
    public static Dynalite start(Path root) {
        Path binary = root.resolve(Path.of(".cache", "npm", "node_modules", ".bin", "dynalite"));
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("dynalite is not installed at " + binary
                    + ": run ./verge fetch-test-models once in the repository (it installs dynalite with npm)");
        }
        ExitedBeforeListening last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                return startOn(binary, freePort());
            } catch (ExitedBeforeListening exited) {
                last = exited; // most likely someone took the free port first: try another one
            }
        }
        throw last;
    }

    public URI endpoint() {
        return endpoint;
    }

    private static Dynalite startOn(Path binary, int port) {
        Process process;
        try {
            // tables are ACTIVE at once: the SDK's table waiter would otherwise wait 20 s between looks
            process = new ProcessBuilder(List.of(binary.toString(), "--host", "127.0.0.1", "--port", Integer.toString(port),
                    "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start dynalite (" + binary + "); it needs node 20 or newer", e);
        }
        CompletableFuture<Void> listening = new CompletableFuture<>();
        StringBuffer output = new StringBuffer();
        Thread reader = new Thread(() -> readOutput(process, listening, output), "dynalite-output");
        reader.setDaemon(true);
        reader.start();
        try {
            listening.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            stop(process);
            throw new ExitedBeforeListening("dynalite exited before listening on port " + port + ": " + output);
        } catch (TimeoutException e) {
            stop(process);
            throw new IllegalStateException("dynalite did not listen on port " + port + " within 60 s: " + output, e);
        } catch (InterruptedException e) {
            stop(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting dynalite", e);
        }
        return new Dynalite(process, URI.create("http://127.0.0.1:" + port));
    }

    /** Completes {@code listening} on dynalite's first line; keeps draining so that it never blocks on a full pipe. */
    private static void readOutput(Process process, CompletableFuture<Void> listening, StringBuffer output) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith(LISTENING)) {
                    listening.complete(null);
                } else if (!listening.isDone()) {
                    output.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // the process is gone; the future says so below
        }
        listening.completeExceptionally(new IllegalStateException("dynalite exited"));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for dynalite", e);
        }
    }

    @Override
    public void close() {
        stop(process);
    }

    private static final class ExitedBeforeListening extends IllegalStateException {
        ExitedBeforeListening(String message) {
            super(message);
        }
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
