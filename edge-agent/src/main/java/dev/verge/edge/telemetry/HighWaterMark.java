package dev.verge.edge.telemetry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The journal's counts kept beside it ({@code telemetry.db.hwm}: records waiting and drops not yet
 * reported), rewritten after every commit, so that a journal that went missing, was emptied or turned out
 * corrupt before it could be read still tells how much it held. Not fsynced: it is as fresh as the page cache.
 */
final class HighWaterMark {
    private static final System.Logger LOG = System.getLogger(HighWaterMark.class.getName());

    /** What the journal held at its last commit. */
    record Mark(long records, long unreported) {}

    private final Path file;
    private final Path temp;
    private long lastRecords = -1;
    private long lastUnreported = -1;

    HighWaterMark(Path file) {
        this.file = file;
        this.temp = file.resolveSibling(file.getFileName() + ".tmp");
    }

    Path file() {
        return file;
    }

    /** Writes the counts; a failure (a full disk) keeps the last ones, which is all there is to do. */
    void write(long records, long unreported) {
        if (records == lastRecords && unreported == lastUnreported) {
            return;
        }
        try {
            Files.writeString(temp, records + " " + unreported + "\n", StandardCharsets.US_ASCII);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            lastRecords = records;
            lastUnreported = unreported;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot write " + file + ": " + e);
        }
    }

    /** The counts last written; zeros when there is no readable file. */
    Mark read() {
        try {
            String[] parts = Files.readString(file, StandardCharsets.US_ASCII).strip().split(" ");
            return new Mark(Math.max(0, Long.parseLong(parts[0])), parts.length > 1 ? Math.max(0, Long.parseLong(parts[1])) : 0);
        } catch (NoSuchFileException e) {
            return new Mark(0, 0);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read the telemetry journal's high-water mark " + file + ": " + e);
            return new Mark(0, 0);
        }
    }
}
