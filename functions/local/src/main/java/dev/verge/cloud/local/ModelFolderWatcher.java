package dev.verge.cloud.local;

import dev.verge.cloud.port.BlobInfo;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Turns files appearing under {@code <blobs>/models/} into blob-created events, as a bucket
 * notification does in the cloud. A {@link WatchService} reports changes; a file is handed on only
 * once its size and time have stayed the same for a quiet period (a copy in progress is not a
 * package yet). A periodic rescan of the whole folder catches what the watch service missed
 * (overflow, files dropped while the server was down); the registry makes repeats cheap no-ops.
 * Every object is handled on one thread, in order.
 */
final class ModelFolderWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ModelFolderWatcher.class.getName());
    static final String PREFIX = "models/";

    private record Seen(long size, long modifiedMillis) {}

    private final FileSystemBlobStore blobs;
    private final Path folder;
    private final Consumer<BlobInfo> onObject;
    private final Duration quietPeriod;
    private final Duration rescanEvery;
    private final ScheduledExecutorService worker;
    private final Map<Path, ScheduledFuture<?>> waiting = new ConcurrentHashMap<>();
    private final WatchService watchService;
    private final Thread watchThread;
    private volatile boolean closed;

    ModelFolderWatcher(FileSystemBlobStore blobs, Consumer<BlobInfo> onObject, Duration quietPeriod, Duration rescanEvery) {
        this.blobs = blobs;
        this.folder = blobs.pathOf(PREFIX.substring(0, PREFIX.length() - 1));
        this.onObject = onObject;
        this.quietPeriod = quietPeriod;
        this.rescanEvery = rescanEvery;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "verge-model-folder");
            t.setDaemon(true);
            return t;
        });
        try {
            Files.createDirectories(folder);
            this.watchService = FileSystems.getDefault().newWatchService();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot watch " + folder, e);
        }
        this.watchThread = new Thread(this::watchLoop, "verge-model-folder-watch");
        this.watchThread.setDaemon(true);
    }

    /** Registers the watches, scans what is already there, and starts the periodic rescan. */
    void start() {
        registerTree(folder);
        watchThread.start();
        long every = Math.max(1, rescanEvery.toMillis());
        worker.scheduleWithFixedDelay(this::rescan, 0, every, TimeUnit.MILLISECONDS);
    }

    /** Hands every object under models/ on (the registry skips those it has seen). Runs on the worker. */
    void rescan() {
        try {
            for (BlobInfo info : blobs.list(PREFIX)) {
                if (closed) {
                    return;
                }
                handOn(info);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "rescan of " + folder + " failed; retrying in " + rescanEvery, e);
        }
    }

    /** Runs a rescan on the worker thread and waits for it. */
    void rescanAndWait() {
        try {
            worker.submit(this::rescan).get(5, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("rescan of " + folder + " did not finish", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handOn(BlobInfo info) {
        try {
            onObject.accept(info);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not handle " + info.key() + "; the next rescan retries", e);
        }
    }

    private void watchLoop() {
        while (!closed) {
            WatchKey key;
            try {
                key = watchService.take();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            }
            Path dir = (Path) key.watchable();
            for (WatchEvent<?> event : key.pollEvents()) {
                if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                    worker.execute(this::rescan);
                    continue;
                }
                Path changed = dir.resolve((Path) event.context());
                if (Files.isDirectory(changed)) {
                    // files may land in a new folder before its watch is registered: scan it too
                    registerTree(changed);
                    scheduleTree(changed);
                } else if (event.kind() != StandardWatchEventKinds.ENTRY_DELETE) {
                    schedule(changed);
                }
            }
            key.reset();
        }
    }

    private void registerTree(Path root) {
        try (Stream<Path> dirs = Files.walk(root)) {
            dirs.filter(Files::isDirectory).forEach(dir -> {
                try {
                    dir.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                            StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
                } catch (IOException | ClosedWatchServiceException e) {
                    LOG.log(Level.DEBUG, () -> "cannot watch " + dir + ": " + e);
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.log(Level.DEBUG, () -> "cannot walk " + root + ": " + e);
        }
    }

    private void scheduleTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile).forEach(this::schedule);
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.log(Level.DEBUG, () -> "cannot walk " + root + ": " + e);
        }
    }

    /** Checks the file after the quiet period; each new event for it starts the wait again. */
    private void schedule(Path file) {
        if (closed) {
            return;
        }
        Seen before = seen(file);
        ScheduledFuture<?> next = worker.schedule(() -> settle(file, before), quietPeriod.toMillis(), TimeUnit.MILLISECONDS);
        ScheduledFuture<?> previous = waiting.put(file, next);
        if (previous != null) {
            previous.cancel(false);
        }
    }

    private void settle(Path file, Seen before) {
        Seen now = seen(file);
        if (now == null) {
            waiting.remove(file);
            return;
        }
        if (!Objects.equals(before, now)) {
            schedule(file);
            return;
        }
        waiting.remove(file);
        try {
            blobs.keyOf(file).flatMap(blobs::head).ifPresent(this::handOn);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not handle " + file + "; the next rescan retries", e);
        }
    }

    private static Seen seen(Path file) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            return attrs.isRegularFile() ? new Seen(attrs.size(), attrs.lastModifiedTime().toMillis()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            watchService.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
            watchThread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
