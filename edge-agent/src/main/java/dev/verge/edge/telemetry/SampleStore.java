package dev.verge.edge.telemetry;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.verge.inference.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Images kept for retraining, waiting for their upload: {@code <sampleId>.<ext>} and a sidecar
 * {@code <sampleId>.json} with the prediction, in one folder with a byte cap. The sidecar is written last
 * (to a temporary name, then renamed), so a crash mid-write leaves no half sample behind, only an image
 * without a sidecar that the next start deletes. Above the cap the oldest samples are deleted.
 */
final class SampleStore {
    private static final System.Logger LOG = System.getLogger(SampleStore.class.getName());
    private static final String SIDECAR = ".json";

    /** One kept image: what the cloud's {@code POST /api/samples} takes as query parameters, and its file. */
    record Sample(String sampleId, String model, String version, String label, double probability, String time,
                  String contentType, String imageFile) {
        @JsonIgnore
        long timeOrder() {
            return java.time.Instant.parse(time).toEpochMilli();
        }
    }

    private final Path dir;
    private final long maxBytes;
    private final TelemetryMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();

    SampleStore(Path dir, long maxBytes, TelemetryMetrics metrics) {
        this.dir = dir.toAbsolutePath();
        this.maxBytes = maxBytes;
        this.metrics = metrics;
        try {
            Files.createDirectories(this.dir);
            deleteOrphans();
        } catch (IOException e) {
            throw new IllegalStateException("cannot use the samples folder " + this.dir + ": " + e, e);
        }
    }

    /** Keeps the sample, deleting the oldest ones to stay under the cap; false when it alone is over the cap. */
    boolean add(Sample sample, byte[] image) {
        long size = image.length + 1024L; // the sidecar's share, roughly
        if (size > maxBytes) {
            metrics.sample("dropped_cap");
            return false;
        }
        lock.lock();
        try {
            List<Sample> oldestFirst = list();
            long used = bytes();
            for (int i = 0; used + size > maxBytes && i < oldestFirst.size(); i++) {
                used -= delete(oldestFirst.get(i));
                metrics.sample("dropped_cap");
            }
            Files.write(dir.resolve(sample.imageFile()), image);
            Path tmp = dir.resolve(sample.sampleId() + SIDECAR + ".tmp");
            Files.write(tmp, Json.mapper().writeValueAsBytes(sample));
            Files.move(tmp, dir.resolve(sample.sampleId() + SIDECAR), StandardCopyOption.ATOMIC_MOVE);
            metrics.sample("captured");
            return true;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot keep sample " + sample.sampleId() + " in " + dir + ": " + e.getMessage());
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Every complete sample, oldest first. */
    List<Sample> list() {
        List<Sample> samples = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(SIDECAR)).toList()) {
                try {
                    samples.add(Json.mapper().readValue(p.toFile(), Sample.class));
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, "unreadable sample sidecar " + p + " deleted: " + e.getMessage());
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the samples folder " + dir, e);
        }
        samples.sort(Comparator.comparingLong(Sample::timeOrder).thenComparing(Sample::sampleId));
        return samples;
    }

    byte[] image(Sample sample) throws IOException {
        return Files.readAllBytes(dir.resolve(sample.imageFile()));
    }

    /** Deletes the sample (uploaded, or dropped for the cap); the bytes it freed. */
    long delete(Sample sample) {
        lock.lock();
        try {
            long freed = 0;
            for (Path p : new Path[] {dir.resolve(sample.sampleId() + SIDECAR), dir.resolve(sample.imageFile())}) {
                if (Files.exists(p)) {
                    freed += Files.size(p);
                    Files.delete(p);
                }
            }
            return freed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete sample " + sample.sampleId() + " from " + dir, e);
        } finally {
            lock.unlock();
        }
    }

    /** Bytes the folder holds now. */
    long bytes() {
        try (Stream<Path> files = Files.list(dir)) {
            long total = 0;
            for (Path p : files.toList()) {
                total += Files.size(p);
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure the samples folder " + dir, e);
        }
    }

    private void deleteOrphans() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                String id = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
                if (name.endsWith(".tmp") || !name.endsWith(SIDECAR) && !Files.exists(dir.resolve(id + SIDECAR))) {
                    Files.delete(p);
                }
            }
        }
    }
}
