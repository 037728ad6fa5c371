package dev.verge.edge.telemetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.verge.edge.PredictionEvent;
import dev.verge.edge.PredictionListener;
import dev.verge.inference.json.Json;
import dev.verge.wire.telemetry.TelemetryRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Turns every answered image into a {@link TelemetryRecord} and journals it without making the request
 * wait for the disk: the request thread only offers the record to a bounded queue; one writer thread
 * takes whatever has queued up and appends it in one transaction (group commit: under load many records
 * share one commit). When the queue is full the record is dropped and counted, and the count is
 * reported to the cloud in the next batch: a request never blocks on the journal.
 *
 * <p>What a crash can lose: the records still in the queue (at most one group commit's worth, normally a
 * few milliseconds of traffic), and, with {@code synchronous=NORMAL}, on power loss (not on kill -9) the
 * commits since the last checkpoint. The answer to the device is sent before its record is committed.
 * The queue's loss is counted: each commit persists how many records wait behind it, and the next open
 * reports them as dropped ({@code crash}); only records that arrived after the last commit escape.
 */
public final class JournalWriter implements PredictionListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(JournalWriter.class.getName());
    public static final int DEFAULT_QUEUE_CAPACITY = 8192;
    /** Records per transaction, at most: bounds a commit's time and the records a crash can catch in flight. */
    static final int MAX_GROUP = 1000;
    private static final Duration EXPIRE_EVERY = Duration.ofMinutes(1);
    private static final Duration IDLE_POLL = Duration.ofMillis(500);

    private final TelemetryJournal journal;
    private final BlockingQueue<TelemetryRecord> queue;
    private final Duration ttl;
    private final Clock clock;
    private final TelemetryMetrics metrics;
    private final Consumer<TelemetryJournal.Appended> committed;
    private final AtomicLong droppedByQueue = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private Instant lastExpiry = Instant.MIN;
    private final RateLimitedLog failures;
    private long lostSinceLog;
    private boolean failing;

    /**
     * @param committed told after every commit (on the writer thread), e.g. to wake the sender when a
     *                  full batch is waiting
     */
    public JournalWriter(TelemetryJournal journal, int queueCapacity, Duration ttl, Clock clock, TelemetryMetrics metrics,
            Consumer<TelemetryJournal.Appended> committed) {
        this.journal = journal;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.ttl = ttl;
        this.clock = clock;
        this.metrics = metrics;
        this.committed = committed;
        this.failures = new RateLimitedLog(LOG, Duration.ofMinutes(1), clock);
        this.thread = Thread.ofPlatform().daemon().name("verge-journal-writer").start(this::run);
    }

    @Override
    public void onPrediction(PredictionEvent event) {
        if (!running || !queue.offer(TelemetryRecords.of(event))) {
            droppedByQueue.incrementAndGet();
            metrics.dropped("queue_full", 1);
        }
    }

    private void run() {
        List<TelemetryRecord> group = new ArrayList<>(MAX_GROUP);
        while (running || !queue.isEmpty()) {
            try {
                TelemetryRecord first = queue.poll(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    group.add(first);
                    queue.drainTo(group, MAX_GROUP - 1);
                }
            } catch (InterruptedException e) {
                running = false; // close() interrupts only after the queue was drained or timed out
            }
            if (!group.isEmpty() || droppedByQueue.get() > 0) {
                commit(group);
                group.clear();
            }
            expireNowAndThen();
        }
    }

    private void commit(List<TelemetryRecord> group) {
        List<TelemetryJournal.Entry> entries = new ArrayList<>(group.size());
        for (TelemetryRecord record : group) {
            try {
                entries.add(new TelemetryJournal.Entry(Instant.parse(record.time()).toEpochMilli(),
                        Json.mapper().writeValueAsString(record)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a telemetry record did not serialize: " + record, e);
            }
        }
        long before = droppedByQueue.getAndSet(0);
        try {
            // what a crash would lose from here on: the records queued behind these, and the drops not yet journaled
            TelemetryJournal.Appended appended = journal.append(entries, before,
                    () -> queue.size() + droppedByQueue.get());
            if (failing) {
                LOG.log(System.Logger.Level.INFO, "telemetry journal writes again; " + lostSinceLog
                        + " more record(s) were dropped since the last warning (counted, reported in the next batch)");
                failing = false;
                lostSinceLog = 0;
                failures.reset();
            }
            committed.accept(appended);
        } catch (RuntimeException e) {
            // the disk is full or failing: these records are lost, but counted and reported once the journal works again
            droppedByQueue.addAndGet(before + entries.size());
            metrics.dropped("journal_error", entries.size());
            failing = true;
            lostSinceLog += entries.size();
            if (failures.log(System.Logger.Level.WARNING, "telemetry journal write failed, " + lostSinceLog
                    + " record(s) dropped and counted (reported once the journal works again), serving on: " + e.getMessage())) {
                lostSinceLog = 0;
            }
            pause();
        }
    }

    private void expireNowAndThen() {
        Instant now = clock.instant();
        if (Duration.between(lastExpiry, now).compareTo(EXPIRE_EVERY) < 0) {
            return;
        }
        lastExpiry = now;
        try {
            long expired = journal.expire(now.minus(ttl));
            if (expired > 0) {
                LOG.log(System.Logger.Level.INFO, "telemetry journal: " + expired + " record(s) older than " + ttl
                        + " dropped (reported in the next batch)");
            }
        } catch (RuntimeException e) {
            failures.log(System.Logger.Level.WARNING, "telemetry journal expiry failed: " + e.getMessage());
        }
    }

    private static void pause() {
        try {
            Thread.sleep(IDLE_POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records offered but not yet committed. */
    public int queued() {
        return queue.size();
    }

    /** Stops taking records, commits what is queued (waiting at most {@code timeout}), and stops the thread. */
    public void close(Duration timeout) {
        running = false;
        try {
            thread.join(timeout.toMillis());
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(timeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
