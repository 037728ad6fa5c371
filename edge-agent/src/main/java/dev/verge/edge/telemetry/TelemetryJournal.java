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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

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
        "INSERT INTO counters (name, value) VALUES ('unreported_dropped', 0) ON CONFLICT (name) DO NOTHING",
    };
    /** Deleting down to this share of the cap leaves room, so the next commits do not each delete a few rows. */
    private static final double CAP_LOW_WATER = 0.9;
    private static final int EXPIRE_CHUNK = 1000;
    private static final long WAL_LIMIT_BYTES = 4L * 1024 * 1024;

    /** A record as the writer hands it over: its time (for the TTL) and its JSON. */
    public record Entry(long timeMillis, String json) {}

    /** What one append did: the ids it gave, and how many old records the cap made room by dropping. */
    public record Appended(long firstId, long lastId, long droppedForCap) {}

    private final Path file;
    private final long maxBytes;
    private final TelemetryMetrics metrics;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private long depth;
    private long usedBytes;

    private TelemetryJournal(Path file, long maxBytes, TelemetryMetrics metrics, Connection connection) throws SQLException {
        this.file = file;
        this.maxBytes = maxBytes;
        this.metrics = metrics;
        this.connection = connection;
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM records")) {
            rs.next();
            depth = rs.getLong(1);
        }
        usedBytes = queryUsedBytes();
        connection.commit();
        metrics.journalChanged(depth, usedBytes);
    }

    /**
     * Opens (or creates) the journal. A file that is not a SQLite database, or whose pages are corrupt
     * (a failing SD card, someone else's file), is moved aside as {@code <name>.corrupt-<time>} and a new
     * journal started, so telemetry never stops the agent from serving.
     */
    public static TelemetryJournal open(Path file, long maxBytes, JournalSync sync, TelemetryMetrics metrics) {
        Path absolute = file.toAbsolutePath();
        try {
            Files.createDirectories(absolute.getParent());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the folder of the telemetry journal " + absolute + ": " + e, e);
        }
        try {
            return connect(absolute, maxBytes, sync, metrics);
        } catch (SQLException e) {
            if (!isCorrupt(e)) {
                throw failure(absolute, "open", e);
            }
            Path aside = moveAside(absolute);
            LOG.log(System.Logger.Level.WARNING, "telemetry journal " + absolute + " is not a readable SQLite database ("
                    + e.getMessage() + "); moved it to " + aside + " and started a new one");
            try {
                return connect(absolute, maxBytes, sync, metrics);
            } catch (SQLException again) {
                throw failure(absolute, "open", again);
            }
        }
    }

    private static TelemetryJournal connect(Path file, long maxBytes, JournalSync sync, TelemetryMetrics metrics)
            throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        try {
            try (Statement st = c.createStatement()) {
                st.execute("PRAGMA busy_timeout = 10000");
                st.execute("PRAGMA journal_mode = WAL");
                st.execute("PRAGMA synchronous = " + sync.name());
                st.execute("PRAGMA journal_size_limit = " + WAL_LIMIT_BYTES);
                for (String sql : SCHEMA) {
                    st.execute(sql);
                }
            }
            c.setAutoCommit(false);
            return new TelemetryJournal(file, maxBytes, metrics, c);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Appends {@code entries} in one transaction (one WAL commit, the group commit), adds
     * {@code droppedBefore} (records lost before they reached the journal, e.g. a full queue) to the drops
     * the next batch reports, and drops the oldest records when the cap is exceeded.
     */
    public Appended append(List<Entry> entries, long droppedBefore) {
        lock.lock();
        try {
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
            connection.commit();
            depth += entries.size() - forCap;
            metrics.journalChanged(depth, usedBytes);
            metrics.dropped("cap", forCap);
            return new Appended(first, last, forCap);
        } catch (SQLException e) {
            rollback();
            throw failure(file, "append", e);
        } finally {
            lock.unlock();
        }
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
        lock.lock();
        try {
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
            connection.commit();
            depth -= dropped;
            metrics.journalChanged(depth, usedBytes);
            metrics.dropped("ttl", dropped);
            return dropped;
        } catch (SQLException e) {
            rollback();
            throw failure(file, "expire", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The batch to send: the one in flight if there is one (after a failed send or a crash: same id,
     * same records), otherwise a new one of the oldest {@code maxRecords} records, persisted with the
     * drops it reports before it is returned. Empty when no record waits.
     */
    public Optional<JournalBatch> nextBatch(int maxRecords) {
        lock.lock();
        try {
            Optional<JournalBatch> pending = pendingBatch();
            if (pending.isPresent()) {
                connection.commit();
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
                connection.commit();
                return Optional.empty();
            }
            long dropped = unreportedDrops();
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
            connection.commit();
            return Optional.of(batch);
        } catch (SQLException e) {
            rollback();
            throw failure(file, "read a batch", e);
        } finally {
            lock.unlock();
        }
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
            connection.commit();
            depth -= deleted;
            metrics.journalChanged(depth, usedBytes);
        } catch (SQLException e) {
            rollback();
            throw failure(file, "acknowledge batch " + batch.batchId(), e);
        } finally {
            lock.unlock();
        }
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
        lock.lock();
        try {
            long n = unreportedDrops();
            connection.commit();
            return n;
        } catch (SQLException e) {
            rollback();
            throw failure(file, "read the drop count", e);
        } finally {
            lock.unlock();
        }
    }

    public Path file() {
        return file;
    }

    private long lastInsertId() throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT last_insert_rowid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long pendingLastId() throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT coalesce(max(last_id), 0) FROM pending_batch")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long unreportedDrops() throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT value FROM counters WHERE name = 'unreported_dropped'")) {
            rs.next();
            return rs.getLong(1);
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

    private void rollback() {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "telemetry journal rollback failed in " + file + ": " + e.getMessage());
        }
    }

    private static boolean isCorrupt(SQLException e) {
        if (e instanceof SQLiteException s) {
            SQLiteErrorCode code = s.getResultCode();
            return code == SQLiteErrorCode.SQLITE_NOTADB || code == SQLiteErrorCode.SQLITE_CORRUPT;
        }
        return false;
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
            connection.close();
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
