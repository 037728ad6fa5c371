package dev.verge.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server under test in its own process (the agent, the Node peer, the local cloud), its output in a
 * log file; {@link #start} returns once a line of the log matches {@code ready}, within a bound.
 */
final class ServerProcess implements AutoCloseable {
    final Process process;
    final Path log;
    final long startNanos;
    final int port;
    private String readyLine;

    private ServerProcess(Process process, Path log, long startNanos, int port, String readyLine) {
        this.process = process;
        this.log = log;
        this.startNanos = startNanos;
        this.port = port;
        this.readyLine = readyLine;
    }

    /** Starts {@code command} and waits up to {@code timeout} for a log line matching {@code ready}. */
    static ServerProcess start(List<String> command, Map<String, String> env, Path log, int port, Pattern ready, Duration timeout) {
        ServerProcess server = launch(command, env, log, port);
        server.awaitLine(ready, timeout);
        return server;
    }

    /** Starts {@code command} and returns at once; {@link #startNanos} is taken just before. */
    static ServerProcess launch(List<String> command, Map<String, String> env, Path log, int port) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        long start = System.nanoTime();
        try {
            return new ServerProcess(builder.start(), log, start, port, null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Waits for a log line matching {@code ready}; kills the process and fails after {@code timeout}. */
    String awaitLine(Pattern ready, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String line = matchingLine(log, ready);
            if (line != null) {
                readyLine = line;
                return line;
            }
            if (!process.isAlive()) {
                break;
            }
            sleep(20);
        }
        process.destroyForcibly();
        throw new IllegalStateException("not ready within " + timeout + " (" + process.info().commandLine().orElse("?")
                + ")\n" + tail(log));
    }

    ProcessProbe probe() {
        return new ProcessProbe(process.pid());
    }

    /** The first group of {@code pattern} in the ready line, e.g. "(\d+) ms after". */
    String readyField(Pattern pattern) {
        if (readyLine == null) {
            readyLine = matchingLine(log, BenchContext.READY);
        }
        if (readyLine == null) {
            return null;
        }
        Matcher m = pattern.matcher(readyLine);
        return m.find() ? m.group(1) : null;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String matchingLine(Path log, Pattern ready) {
        try {
            for (String line : Files.readAllLines(log)) {
                if (ready.matcher(line).find()) {
                    return line;
                }
            }
            return null;
        } catch (IOException | UncheckedIOException e) {
            return null; // not written yet, or half a UTF-8 character
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** SIGTERM, then SIGKILL after 15 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
