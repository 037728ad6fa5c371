package dev.verge.edge.telemetry;

import dev.verge.edge.telemetry.TelemetrySettings.JournalSync;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The edge agent's telemetry journal: one SQLite file in WAL mode holding the records the cloud has not
 * acknowledged yet, the one batch in flight, and the count of records dropped since the last batch.
 *
 * <p>Durability: every {@link #append} is one transaction. With {@link JournalSync#NORMAL} a committed
 * transaction survives a crash of the process (kill -9; the WAL is in the OS's page cache) but the
 * commits since the last checkpoint may be lost on power loss; with {@link JournalSync#FULL} the WAL is
 * fsynced on every commit and survives power loss too. Neither can corrupt the file: SQLite's WAL replays
 * or ignores a torn last transaction on the next open.
 *
 * <p>Disk: the cap counts the database's pages in use ({@code (page_count - freelist_count) * page_size});
 * freed pages are reused, and the WAL is checkpointed every ~4 MiB and truncated to that size, so the
 * files stay within the cap plus the WAL's few MiB. Above the cap the oldest records are deleted and
 * counted as dropped; the batch in flight is never touched, so its retry sends the same records.
 *
 * <p>Faults, each one counted once and reported to the cloud in the next batch's {@code dropped}:
 * <ul>
 * <li>a full disk or an I/O error ({@code SQLITE_FULL}, {@code SQLITE_IOERR}) fails the operation; the
 *     connection is closed (SQLite may have rolled the transaction back on its own, leaving a connection
 *     that no longer runs what it seems to) and opened again by the next operation, so the journal works
 *     again by itself as soon as there is space. {@link #state()} says {@code disk_full} or {@code io_error}
 *     meanwhile;</li>
 * <li>a corrupt file ({@code SQLITE_CORRUPT}, {@code SQLITE_NOTADB}), at open or at any later read or
 *     write, is moved aside as {@code <name>.corrupt-<time>} and a new journal started; the records that
 *     were waiting are reported as dropped ({@code corrupt});</li>
 * <li>a journal that went missing or was emptied while its high-water mark (the file {@code <name>.hwm}
 *     beside it, rewritten after every commit) says records were waiting: those are reported as dropped
 *     ({@code journal_lost});</li>
 * <li>a crash of the process loses the records still queued for the writer: each append persists how many
 *     records were left in the writer's queue ({@code queued}), which the next append takes in; a count
 *     found at the next open is what the crash lost, reported as dropped ({@code crash}). Records that
 *     arrived after the last commit counted its queue are the only ones not counted (a commit's worth of
 *     traffic: 0 to ~1,000 in the kill -9 test at full speed).</li>
 * </ul>
 *
 * <p>One connection for the process; a lock (not {@code synchronized}, which would pin virtual threads on
 * JDK 21) keeps the writer's and the sender's transactions apart.
 */
public final class TelemetryJournal implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TelemetryJournal.class.getName());
    private static final String[] SCHEMA = {
        // AUTOINCREMENT: an id is never reused, even after every record was acknowledged, so a persisted
        // batch range can never take in newer records
        "CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, json TEXT NOT NULL)",
        "CREATE TABLE IF NOT EXISTS pending_batch (batch_id TEXT PRIMARY KEY, first_id INTEGER NOT NULL,"
                + " last_id INTEGER NOT NULL, dropped INTEGER NOT NULL)",
        "CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
        "INSERT INTO counters (name, value) VALUES ('unreported_dropped', 0), ('queued', 0)"
                + " ON CONFLICT (name) DO NOTHING",
    };
    /** Deleting down to this share of the cap leaves room, so the next commits do not each delete a few rows. */
    private static final double CAP_LOW_WATER = 0.9;
    private static final int EXPIRE_CHUNK = 1000;
    private static final long WAL_LIMIT_BYTES = 4L * 1024 * 1024;
    private static final int SQLITE_IOERR = 10;
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_FULL = 13;
    private static final int SQLITE_NOTADB = 26;

    /** What the journal can do right now, for {@code /metrics} and the status report. */
    public enum State {
        OK, DISK_FULL, IO_ERROR;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A record as the writer hands it over: its time (for the TTL) and its JSON. */
    public record Entry(long timeMillis, String json) {}

    /** What one append did: the ids it gave, and how many old records the cap made room by dropping. */
    public record Appended(long firstId, long lastId, long droppedForCap) {}

    private final Path file;
    private final long maxBytes;
    private final JournalSync sync;
    private final TelemetryMetrics metrics;
    private final HighWaterMark highWater;
    private final RateLimitedLog failures;
    private final ReentrantLock lock = new ReentrantLock();
    private Connection connection; // null after a failure, until the next operation opens it again
    private volatile State state = State.OK;
    private long depth;
    private long usedBytes;
    /** Drops not yet in a batch, as last read or written: what a corrupt file's loss adds to. */
    private long unreported;
    /** Records of a batch the cloud accepted, while its acknowledgement runs: delivered, not lost, if the file fails. */
    private long acknowledging;

    private TelemetryJournal(Path file, long maxBytes, JournalSync sync, TelemetryMetrics metrics) {
        this.file = file;
        this.maxBytes = maxBytes;
        this.sync = sync;
        this.metrics = metrics;
        this.highWater = new HighWaterMark(file.resolveSibling(file.getFileName() + ".hwm"));
        this.failures = new RateLimitedLog(LOG, Duration.ofMinutes(1), Clock.systemUTC());
    }

    /**
     * Opens (or creates) the journal. A file that is not a SQLite database, or whose pages are corrupt
     * (a failing SD card, someone else's file), is moved aside and a new journal started, so telemetry
     * never stops the agent from serving.
     */
    public static TelemetryJournal open(Path file, long maxBytes, JournalSync sync, TelemetryMetrics metrics) {
        Path absolute = file.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the folder of the telemetry journal " + absolute + ": " + e, e);
        }
        TelemetryJournal journal = new TelemetryJournal(absolute, maxBytes, sync, metrics);
        journal.lock.lock();
        try {
            journal.connectOrQuarantine();
        } catch (SQLException e) {
            throw failure(absolute, "open", e);
        } finally {
            journal.lock.unlock();
        }
        return journal;
    }

    /** Connects; a corrupt file is moved aside, its waiting records reported, and a new one started. */
    private void connectOrQuarantine() throws SQLException {
        try {
            connect();
        } catch (SQLException e) {
            if (primary(e) != SQLITE_CORRUPT && primary(e) != SQLITE_NOTADB) {
                throw e;
            }
            quarantine(e);
        }
    }

    private void connect() throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try {
            boolean fresh;
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout = 10000");
                st.execute("PRAGMA journal_mode = WAL");
                st.execute("PRAGMA synchronous = " + sync.name());
                st.execute("PRAGMA journal_size_limit = " + WAL_LIMIT_BYTES);
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'counters'")) {
                    rs.next();
                    fresh = rs.getLong(1) == 0;
                }
                for (String sql : SCHEMA) {
                    st.execute(sql);
                }
            }
            c.setAutoCommit(false);
            connection = c;
            depth = count("SELECT count(*) FROM records");
            usedBytes = queryUsedBytes();
            unreported = counter("unreported_dropped");
            if (fresh) {
                reportLostJournal();
            }
            reportCrashLoss();
            connection.commit();
            highWater.write(depth, unreported);
            metrics.journalChanged(depth, usedBytes);
        } catch (SQLException e) {
            connection = null;
            closeQuietly(c);
            throw e;
        }
    }

    /** A new (or emptied) journal whose high-water mark says records were waiting: they are lost, and said so. */
    private void reportLostJournal() throws SQLException {
        HighWaterMark.Mark mark = highWater.read();
        if (mark.records() + mark.unreported() > 0) {
            addUnreportedDrops(mark.records() + mark.unreported());
            LOG.log(System.Logger.Level.WARNING, "telemetry journal " + file + " is new or empty, but " + mark.records()
                    + " record(s) were waiting in it (" + highWater.file().getFileName() + "): reported as dropped (journal_lost)");
            metrics.dropped("journal_lost", mark.records());
        }
    }

    /** Records left in the writer's queue at the last commit and never journaled: the process died with them. */
    private void reportCrashLoss() throws SQLException {
        long lost = counter("queued");
        if (lost > 0) {
            addUnreportedDrops(lost);
            setCounter("queued", 0);
            LOG.log(System.Logger.Level.WARNING, "telemetry: " + lost + " record(s) were queued for the journal when the"
                    + " agent stopped without closing it: reported as dropped (crash)");
            metrics.dropped("crash", lost);
        }
    }

    /**
     * The file is corrupt: moved aside, a new journal started with what can still be read of it (the batch in
     * flight, whole, and the records after it up to the first unreadable page), the rest reported as dropped.
     */
    private void quarantine(SQLException cause) throws SQLException {
        boolean known = connection != null || depth > 0 || unreported > 0;
        boolean delivered = acknowledging > 0; // the batch in flight is the cloud's already
        closeQuietly(connection);
        connection = null;
        // with the file open before, its counts are known; found corrupt at open, the high-water mark has them
        HighWaterMark.Mark held = known ? new HighWaterMark.Mark(Math.max(0, depth - acknowledging), unreported) : highWater.read();
        Path aside = moveAside(file);
        Salvage salvage = Salvage.read(aside, delivered);
        highWater.write(0, 0);
        connect();
        salvage.copyInto(connection);
        depth = count("SELECT count(*) FROM records");
        long lost = Math.max(0, held.records() - depth);
        addUnreportedDrops(lost + held.unreported());
        connection.commit();
        LOG.log(System.Logger.Level.WARNING, "telemetry journal " + file + " is corrupt (" + cause.getMessage() + "); moved it"
                + " to " + aside + " and started a new one with the " + depth + " record(s) still readable; " + lost
                + " record(s) that were waiting reported as dropped (corrupt)");
        metrics.dropped("corrupt", lost);
        usedBytes = queryUsedBytes();
        metrics.journalChanged(depth, usedBytes);
        highWater.write(depth, unreported);
    }

    /** What can still be read of a corrupt journal file. */
    private record Salvage(Pending pending, List<Object[]> rows) {
        private static final Salvage NOTHING = new Salvage(null, List.of());

        /** The batch in flight as persisted. */
        private record Pending(String batchId, long firstId, long lastId, long dropped) {}

        /** The batch in flight whole (unless {@code skipPending} or it does not read), then records after it until one fails. */
        static Salvage read(Path file, boolean skipPending) {
            try (Connection old = DriverManager.getConnection("jdbc:sqlite:" + file); Statement st = old.createStatement()) {
                Pending pending = null;
                try (ResultSet rs = st.executeQuery("SELECT batch_id, first_id, last_id, dropped FROM pending_batch")) {
                    if (rs.next()) {
                        pending = new Pending(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
                    }
                } catch (SQLException unreadable) {
                    return NOTHING; // without the batch in flight, what follows it cannot be told from it
                }
                List<Object[]> rows = new ArrayList<>();
                long after = pending == null ? 0 : pending.lastId();
                if (pending != null && (skipPending || !readRange(old, pending.firstId() - 1, pending.lastId(), rows, false))) {
                    rows.clear();
                    pending = null; // delivered already, or not whole: not sent again
                }
                readRange(old, after, Long.MAX_VALUE, rows, true);
                return new Salvage(pending, rows);
            } catch (SQLException | RuntimeException e) {
                return NOTHING;
            }
        }

        /**
         * Records with {@code after < id <= upTo}, in order. A page that fails ends the read unless
         * {@code skipBad}: then ids are skipped, one at a time for 64 ids, then two, four, ..., until records
         * read again (84 failures in a row end it). False when a page failed.
         */
        private static boolean readRange(Connection old, long after, long upTo, List<Object[]> into, boolean skipBad) {
            long cursor = after;
            long skip = 1;
            int failuresInARow = 0;
            boolean whole = true;
            long maxId = skipBad ? maxId(old) : upTo;
            while (cursor < Math.min(upTo, maxId)) {
                int n = 0;
                // a statement per read: the driver may close one whose read met a bad page
                try (PreparedStatement st = old.prepareStatement(
                        "SELECT id, time, json FROM records WHERE id > ? AND id <= ? ORDER BY id LIMIT 1000")) {
                    st.setLong(1, cursor);
                    st.setLong(2, upTo);
                    try (ResultSet rs = st.executeQuery()) {
                        while (rs.next()) {
                            cursor = rs.getLong(1);
                            into.add(new Object[] {cursor, rs.getLong(2), rs.getString(3)});
                            n++;
                        }
                    }
                    skip = 1;
                    failuresInARow = 0;
                } catch (SQLException | RuntimeException bad) {
                    whole = false;
                    if (!skipBad || ++failuresInARow > 84) {
                        return false;
                    }
                    // one id at a time across a bad leaf (a few dozen records), then faster past a bad inner page
                    skip = failuresInARow <= 64 ? 1 : Math.min(skip * 2, 1 << 20);
                    cursor += skip;
                    continue;
                }
                if (n == 0) {
                    return whole;
                }
            }
            return whole;
        }

        /** The highest id the file ever gave; unbounded when that cannot be read either (then 84 failures in a row end it). */
        private static long maxId(Connection old) {
            try (Statement st = old.createStatement();
                    ResultSet rs = st.executeQuery("SELECT seq FROM sqlite_sequence WHERE name = 'records'")) {
                return rs.next() ? rs.getLong(1) : Long.MAX_VALUE;
            } catch (SQLException | RuntimeException e) {
                return Long.MAX_VALUE;
            }
        }

        /** Into the new journal, ids kept, so that the batch in flight goes again with its id and its records. */
        void copyInto(Connection c) throws SQLException {
            try (PreparedStatement st = c.prepareStatement("INSERT INTO records (id, time, json) VALUES (?, ?, ?)")) {
                for (Object[] row : rows) {
                    st.setLong(1, (Long) row[0]);
                    st.setLong(2, (Long) row[1]);
                    st.setString(3, (String) row[2]);
                    st.addBatch();
                }
                st.executeBatch();
            }
            if (pending != null) {
                try (PreparedStatement st = c.prepareStatement(
                        "INSERT INTO pending_batch (batch_id, first_id, last_id, dropped) VALUES (?, ?, ?, ?)")) {
                    st.setString(1, pending.batchId());
                    st.setLong(2, pending.firstId());
                    st.setLong(3, pending.lastId());
                    st.setLong(4, pending.dropped());
                    st.executeUpdate();
                }
            }
        }
    }

    /**
     * One transaction, with the journal's fault handling around it. Only one that {@code writes} for sure
     * ends a fault: reads go on working on a full disk.
     */
    private <T> T transaction(String what, boolean writes, Work<T> work) {
        lock.lock();
        try {
            if (connection == null) {
                try {
                    connectOrQuarantine();
                } catch (SQLException e) {
                    throw failed(what, e);
                }
            }
            T result;
            try {
                result = work.run();
                connection.commit();
            } catch (SQLException e) {
                throw failed(what, e);
            }
            if (writes && state != State.OK) {
                LOG.log(System.Logger.Level.INFO, "telemetry journal " + file + " works again (it was " + state.code() + ")");
                state = State.OK;
                failures.reset();
                metrics.journalState(state);
            }
            highWater.write(depth, unreported);
            return result;
        } finally {
            lock.unlock();
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    /** Sorts a failure: a full or failing disk closes the connection for a clean reopen, corruption quarantines. */
    private IllegalStateException failed(String what, SQLException e) {
        int code = primary(e);
        if (connection != null) {
            try {
                connection.rollback();
            } catch (SQLException ignored) {
                // the connection is closed next: its state does not matter
            }
        }
        if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
            try {
                quarantine(e);
            } catch (SQLException | UncheckedIOException again) {
                closeQuietly(connection);
                connection = null;
            }
        } else {
            closeQuietly(connection);
            connection = null;
            state = code == SQLITE_FULL ? State.DISK_FULL : State.IO_ERROR;
            metrics.journalState(state);
        }
        IllegalStateException failure = failure(file, what, e);
        failures.log(System.Logger.Level.WARNING, failure.getMessage());
        return failure;
    }

    private static int primary(SQLException e) {
        return e.getErrorCode() & 0xFF;
    }

    /**
     * Appends {@code entries} in one transaction (one WAL commit, the group commit), adds
     * {@code droppedBefore} (records lost before they reached the journal, e.g. a full queue) to the drops
     * the next batch reports, and drops the oldest records when the cap is exceeded.
     */
    public Appended append(List<Entry> entries, long droppedBefore) {
        return append(entries, droppedBefore, () -> 0);
    }

    /**
     * As {@link #append(List, long)}, also recording how many records are still {@code queued} for the
     * writer behind these (asked as late as possible, just before the commit), so that what a crash loses
     * is found at the next open.
     */
    public Appended append(List<Entry> entries, long droppedBefore, java.util.function.LongSupplier queued) {
        return transaction("append", true, () -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO records (time, json) VALUES (?, ?)")) {
                for (Entry entry : entries) {
                    insert.setLong(1, entry.timeMillis());
                    insert.setString(2, entry.json());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            // one connection, one transaction, AUTOINCREMENT: the ids of this append are consecutive
            long last = lastInsertId();
            long first = entries.isEmpty() ? -1 : last - entries.size() + 1;
            long forCap = enforceCap(depth + entries.size());
            addUnreportedDrops(droppedBefore + forCap);
            setCounter("queued", queued.getAsLong());
            depth += entries.size() - forCap;
            metrics.journalChanged(depth, usedBytes);
            metrics.dropped("cap", forCap);
            return new Appended(first, last, forCap);
        });
    }

    private long enforceCap(long rows) throws SQLException {
        long dropped = 0;
        usedBytes = queryUsedBytes();
        long pendingLast = pendingLastId();
        for (int round = 0; usedBytes > maxBytes && round < 8; round++) {
            long perRecord = Math.max(1, usedBytes / Math.max(1, rows - dropped));
            long toDrop = Math.max(1, (usedBytes - (long) (maxBytes * CAP_LOW_WATER)) / perRecord);
            int n = deleteOldest(pendingLast, toDrop);
            if (n == 0) {
                break; // only the batch in flight is left; it is at most one batch
            }
            dropped += n;
            usedBytes = queryUsedBytes();
        }
        return dropped;
    }

    private int deleteOldest(long afterId, long n) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "DELETE FROM records WHERE id IN (SELECT id FROM records WHERE id > ? ORDER BY id LIMIT ?)")) {
            st.setLong(1, afterId);
            st.setLong(2, n);
            return st.executeUpdate();
        }
    }

    /**
     * Drops the records older than {@code cutoff} (the TTL), oldest first, except those of the batch in
     * flight; they are reported in the next batch's {@code dropped}. Records are appended in time order
     * (give or take the few ms between request threads), so this stops at the first young record.
     */
    public long expire(Instant cutoff) {
        return transaction("expire", false, () -> {
            long pendingLast = pendingLastId();
            long dropped = 0;
            int n;
            do {
                try (PreparedStatement st = connection.prepareStatement(
                        "DELETE FROM records WHERE id IN (SELECT id FROM records WHERE id > ? ORDER BY id LIMIT ?) AND time < ?")) {
                    st.setLong(1, pendingLast);
                    st.setInt(2, EXPIRE_CHUNK);
                    st.setLong(3, cutoff.toEpochMilli());
                    n = st.executeUpdate();
                }
                dropped += n;
            } while (n == EXPIRE_CHUNK);
            addUnreportedDrops(dropped);
            usedBytes = queryUsedBytes();
            depth -= dropped;
            metrics.journalChanged(depth, usedBytes);
            metrics.dropped("ttl", dropped);
            return dropped;
        });
    }

    /**
     * The batch to send: the one in flight if there is one (after a failed send or a crash: same id,
     * same records), otherwise a new one of the oldest {@code maxRecords} records, persisted with the
     * drops it reports before it is returned. Empty when no record waits.
     */
    public Optional<JournalBatch> nextBatch(int maxRecords) {
        return transaction("read a batch", false, () -> {
            Optional<JournalBatch> pending = pendingBatch();
            if (pending.isPresent()) {
                return pending;
            }
            List<Long> ids = new ArrayList<>();
            List<String> records = new ArrayList<>();
            try (PreparedStatement st = connection.prepareStatement("SELECT id, json FROM records ORDER BY id LIMIT ?")) {
                st.setInt(1, maxRecords);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                        records.add(rs.getString(2));
                    }
                }
            }
            if (ids.isEmpty()) {
                return Optional.<JournalBatch>empty();
            }
            long dropped = counter("unreported_dropped");
            JournalBatch batch = new JournalBatch(UUID.randomUUID().toString(), ids.get(0), ids.get(ids.size() - 1),
                    dropped, records);
            try (PreparedStatement st = connection.prepareStatement(
                    "INSERT INTO pending_batch (batch_id, first_id, last_id, dropped) VALUES (?, ?, ?, ?)")) {
                st.setString(1, batch.batchId());
                st.setLong(2, batch.firstId());
                st.setLong(3, batch.lastId());
                st.setLong(4, batch.dropped());
                st.executeUpdate();
            }
            addUnreportedDrops(-dropped);
            return Optional.of(batch);
        });
    }

    private Optional<JournalBatch> pendingBatch() throws SQLException {
        String batchId;
        long first;
        long last;
        long dropped;
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT batch_id, first_id, last_id, dropped FROM pending_batch")) {
            if (!rs.next()) {
                return Optional.empty();
            }
            batchId = rs.getString(1);
            first = rs.getLong(2);
            last = rs.getLong(3);
            dropped = rs.getLong(4);
        }
        List<String> records = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT json FROM records WHERE id BETWEEN ? AND ? ORDER BY id")) {
            st.setLong(1, first);
            st.setLong(2, last);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    records.add(rs.getString(1));
                }
            }
        }
        return Optional.of(new JournalBatch(batchId, first, last, dropped, records));
    }

    /** The cloud has the batch (accepted, or already had it): its records leave the journal. */
    public void acknowledge(JournalBatch batch) {
        lock.lock();
        try {
            acknowledging = batch.records().size();
            acknowledgeNow(batch);
        } finally {
            acknowledging = 0;
            lock.unlock();
        }
    }

    private void acknowledgeNow(JournalBatch batch) {
        transaction("acknowledge batch " + batch.batchId(), true, () -> {
            int deleted;
            try (PreparedStatement st = connection.prepareStatement("DELETE FROM records WHERE id BETWEEN ? AND ?")) {
                st.setLong(1, batch.firstId());
                st.setLong(2, batch.lastId());
                deleted = st.executeUpdate();
            }
            try (PreparedStatement st = connection.prepareStatement("DELETE FROM pending_batch WHERE batch_id = ?")) {
                st.setString(1, batch.batchId());
                st.executeUpdate();
            }
            usedBytes = queryUsedBytes();
            depth -= deleted;
            metrics.journalChanged(depth, usedBytes);
            return null;
        });
    }

    /** Records waiting for the cloud, the batch in flight included. */
    public long depth() {
        lock.lock();
        try {
            return depth;
        } finally {
            lock.unlock();
        }
    }

    /** Drops not yet handed to a batch. */
    public long unreportedDropped() {
        return transaction("read the drop count", false, () -> counter("unreported_dropped"));
    }

    /** {@code ok}, or the fault the last operation met ({@code disk_full}, {@code io_error}) until one succeeds. */
    public State state() {
        return state;
    }

    public Path file() {
        return file;
    }

    private long lastInsertId() throws SQLException {
        return count("SELECT last_insert_rowid()");
    }

    private long pendingLastId() throws SQLException {
        return count("SELECT coalesce(max(last_id), 0) FROM pending_batch");
    }

    private long count(String sql) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long counter(String name) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("SELECT value FROM counters WHERE name = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private void setCounter(String name, long value) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
            st.setString(1, name);
            st.setLong(2, value);
            st.executeUpdate();
        }
    }

    private void addUnreportedDrops(long n) throws SQLException {
        if (n == 0) {
            return;
        }
        try (PreparedStatement st = connection.prepareStatement(
                "UPDATE counters SET value = value + ? WHERE name = 'unreported_dropped'")) {
            st.setLong(1, n);
            st.executeUpdate();
        }
        unreported += n;
    }

    private long queryUsedBytes() throws SQLException {
        try (Statement st = connection.createStatement()) {
            long pages = pragma(st, "page_count");
            long free = pragma(st, "freelist_count");
            long size = pragma(st, "page_size");
            return (pages - free) * size;
        }
    }

    private static long pragma(Statement st, String name) throws SQLException {
        try (ResultSet rs = st.executeQuery("PRAGMA " + name)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing after a failure: nothing left to save
            }
        }
    }

    private static Path moveAside(Path file) {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + System.currentTimeMillis());
        try {
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            for (String suffix : new String[] {"-wal", "-shm"}) {
                Path side = file.resolveSibling(file.getFileName() + suffix);
                if (Files.exists(side)) {
                    Files.move(side, aside.resolveSibling(aside.getFileName() + suffix), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            return aside;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the unreadable telemetry journal " + file + " aside", e);
        }
    }

    private static IllegalStateException failure(Path file, String what, SQLException e) {
        return new IllegalStateException("telemetry journal: " + what + " failed in " + file + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (connection != null) {
                connection.close();
                connection = null;
            }
        } catch (SQLException e) {
            throw failure(file, "close", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "TelemetryJournal[" + file + "]";
    }
}
