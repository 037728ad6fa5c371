package dev.verge.cloud.local;

import dev.verge.cloud.port.ExpiringDocuments;
import dev.verge.cloud.port.MetadataStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link MetadataStore} in one SQLite file (WAL journal): one table of (collection, key, revision,
 * json). Conditional writes are single statements ({@code INSERT ... ON CONFLICT DO NOTHING},
 * {@code UPDATE ... WHERE revision = ?}), so they hold across threads and across processes sharing
 * the file. One connection serves the process; a lock (not {@code synchronized}, which would pin
 * virtual threads on JDK 21) keeps its statements from interleaving.
 */
public final class SqliteMetadataStore implements MetadataStore, ExpiringDocuments, AutoCloseable {
    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS documents (
                collection TEXT    NOT NULL,
                key        TEXT    NOT NULL,
                revision   INTEGER NOT NULL,
                json       TEXT    NOT NULL,
                expires_at INTEGER,
                PRIMARY KEY (collection, key)
            ) WITHOUT ROWID""";
    private static final String EXPIRY_INDEX =
            "CREATE INDEX IF NOT EXISTS documents_expiry ON documents (expires_at) WHERE expires_at IS NOT NULL";
    /** Above every key a prefix can start: keys are names, ids and times, never plane-16 characters. */
    private static final String AFTER_ALL = "\uDBFF\uDFFF";

    private final Path file;
    private final Connection connection;
    private final ReentrantLock lock = new ReentrantLock();

    public SqliteMetadataStore(Path file) {
        this.file = file.toAbsolutePath();
        try {
            Files.createDirectories(this.file.getParent());
            connection = DriverManager.getConnection("jdbc:sqlite:" + this.file);
            try (Statement st = connection.createStatement()) {
                st.execute("PRAGMA busy_timeout = 10000");
                st.execute("PRAGMA journal_mode = WAL");
                st.execute("PRAGMA synchronous = NORMAL");
                // 64 MiB of pages instead of 2: a fleet's devices and indexes stay in memory (bench: fleet)
                st.execute("PRAGMA cache_size = -65536");
                st.execute(SCHEMA);
                addExpiryColumn(st);
                st.execute(EXPIRY_INDEX);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of " + this.file, e);
        } catch (SQLException e) {
            throw failure("open", e);
        }
    }

    /** Files written before documents could expire get the column. */
    private static void addExpiryColumn(Statement st) throws SQLException {
        try (ResultSet columns = st.executeQuery("PRAGMA table_info(documents)")) {
            while (columns.next()) {
                if ("expires_at".equals(columns.getString("name"))) {
                    return;
                }
            }
        }
        st.execute("ALTER TABLE documents ADD COLUMN expires_at INTEGER");
    }

    @Override
    public boolean create(String collection, String key, String json, Instant expiresAt) {
        return write("create " + collection + "/" + key,
                "INSERT INTO documents (collection, key, revision, json, expires_at) VALUES (?, ?, 1, ?, ?) "
                        + "ON CONFLICT (collection, key) DO NOTHING",
                collection, key, json, millis(expiresAt));
    }

    @Override
    public boolean update(String collection, String key, long expectedRevision, String json, Instant expiresAt) {
        return write("update " + collection + "/" + key,
                "UPDATE documents SET json = ?, revision = revision + 1, expires_at = ? "
                        + "WHERE collection = ? AND key = ? AND revision = ?",
                json, millis(expiresAt), collection, key, expectedRevision);
    }

    /** Deletes what expired before {@code now}; the local cloud's timer calls it. Answers how many documents went. */
    @Override
    public int deleteExpired(Instant now) {
        lock.lock();
        try (PreparedStatement st = prepare("DELETE FROM documents WHERE expires_at IS NOT NULL AND expires_at <= ?", now.toEpochMilli())) {
            return st.executeUpdate();
        } catch (SQLException e) {
            throw failure("delete expired documents", e);
        } finally {
            lock.unlock();
        }
    }

    private static Long millis(Instant at) {
        return at == null ? null : at.toEpochMilli();
    }


    @Override
    public boolean delete(String collection, String key) {
        return write("delete " + collection + "/" + key,
                "DELETE FROM documents WHERE collection = ? AND key = ?", collection, key);
    }

    @Override
    public Optional<Document> get(String collection, String key) {
        List<Document> found = query("get " + collection + "/" + key,
                "SELECT key, revision, json FROM documents WHERE collection = ? AND key = ?", collection, key);
        return found.stream().findFirst();
    }

    @Override
    public List<Document> list(String collection, String keyPrefix) {
        return query("list " + collection + "/" + keyPrefix + "*",
                "SELECT key, revision, json FROM documents WHERE " + PREFIX + " ORDER BY key",
                collection, keyPrefix, keyPrefix + AFTER_ALL, keyPrefix.codePointCount(0, keyPrefix.length()), keyPrefix);
    }

    // the range lets SQLite seek in the primary key instead of reading the whole collection; substr (which counts
    // characters, as codePointCount does) keeps the answer exact; ORDER BY key is byte (= code point) order
    private static final String PREFIX = "collection = ? AND key >= ? AND key < ? AND substr(key, 1, ?) = ?";

    @Override
    public Page page(String collection, String keyPrefix, String after, int limit) {
        String from = after == null || after.compareTo(keyPrefix) < 0 ? "" : after;
        List<Document> found = query("page " + collection + "/" + keyPrefix + "*",
                "SELECT key, revision, json FROM documents WHERE " + PREFIX + " AND key > ? ORDER BY key LIMIT ?",
                collection, keyPrefix, keyPrefix + AFTER_ALL, keyPrefix.codePointCount(0, keyPrefix.length()), keyPrefix, from,
                limit + 1);
        return found.size() <= limit ? new Page(found, null) : new Page(found.subList(0, limit), found.get(limit - 1).key());
    }

    private boolean write(String what, String sql, Object... params) {
        lock.lock();
        try (PreparedStatement st = prepare(sql, params)) {
            return st.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failure(what, e);
        } finally {
            lock.unlock();
        }
    }

    private List<Document> query(String what, String sql, Object... params) {
        lock.lock();
        try (PreparedStatement st = prepare(sql, params); ResultSet rs = st.executeQuery()) {
            List<Document> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Document(rs.getString(1), rs.getLong(2), rs.getString(3)));
            }
            return out;
        } catch (SQLException e) {
            throw failure(what, e);
        } finally {
            lock.unlock();
        }
    }

    private PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement st = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            st.setObject(i + 1, params[i]);
        }
        return st;
    }

    private IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("SQLite " + what + " failed in " + file + ": " + e.getMessage(), e);
    }

    @Override
    public void close() {
        lock.lock();
        try {
            connection.close();
        } catch (SQLException e) {
            throw failure("close", e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "SqliteMetadataStore[" + file + "]";
    }
}
