package dev.verge.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What one process costs, read from Linux's /proc: CPU time from {@code /proc/<pid>/stat}
 * (utime + stime, in clock ticks) and resident memory from {@code VmRSS} in {@code /proc/<pid>/status},
 * sampled every 100 ms while a {@link Window} is open.
 */
final class ProcessProbe {
    /** USER_HZ: 100 on every Linux we run on; {@code getconf CLK_TCK} says so when it is not. */
    private static final long TICKS_PER_SECOND = clockTicks();

    private final long pid;

    ProcessProbe(long pid) {
        this.pid = pid;
    }

    long pid() {
        return pid;
    }

    /** utime + stime of the process so far, in nanoseconds (10 ms resolution). */
    long cpuNanos() {
        String stat = read("stat");
        // the command name (field 2) may hold spaces: fields are counted after its closing parenthesis
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    }

    /** VmRSS now, in KiB; 0 once the process is gone. */
    long rssKiB() {
        String status;
        try {
            status = read("status");
        } catch (UncheckedIOException gone) {
            return 0;
        }
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    /** Starts sampling RSS and counting CPU; {@link Window#close()} ends it. */
    Window open() {
        return new Window();
    }

    /** Resident memory and CPU over the window: mean and peak RSS, CPU seconds used. */
    record Usage(double rssMeanMiB, double rssMaxMiB, double cpuSeconds, double wallSeconds) {}

    final class Window implements AutoCloseable {
        private final long cpuStart = cpuNanos();
        private final long wallStart = System.nanoTime();
        private final AtomicBoolean open = new AtomicBoolean(true);
        private long samples;
        private long sumKiB;
        private long maxKiB;
        private final Thread sampler;
        private Usage usage;

        private Window() {
            sampler = Thread.ofPlatform().daemon().name("rss-sampler-" + pid).start(() -> {
                while (open.get()) {
                    sample();
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        private synchronized void sample() {
            long kib = rssKiB();
            if (kib > 0) {
                samples++;
                sumKiB += kib;
                maxKiB = Math.max(maxKiB, kib);
            }
        }

        Usage usage() {
            if (usage == null) {
                throw new IllegalStateException("the window is still open");
            }
            return usage;
        }

        @Override
        public void close() {
            if (!open.compareAndSet(true, false)) {
                return;
            }
            long cpu = cpuNanos() - cpuStart;
            long wall = System.nanoTime() - wallStart;
            sampler.interrupt();
            try {
                sampler.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sample();
            synchronized (this) {
                usage = new Usage(sumKiB / 1024.0 / Math.max(1, samples), maxKiB / 1024.0, cpu / 1e9, wall / 1e9);
            }
        }
    }

    private String read(String file) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), file));
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("process " + pid + " is gone", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            return p.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
