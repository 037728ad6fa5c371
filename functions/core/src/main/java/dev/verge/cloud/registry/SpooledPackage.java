package dev.verge.cloud.registry;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A package copied to a temp file while its SHA-256 is computed, so that a package is never held in
 * memory and can be read several times (validate, then store; or check, then load for predictions).
 * Deleted on close.
 */
public final class SpooledPackage implements AutoCloseable {
    private final Path file;
    private final String sha256;
    private final long size;

    private SpooledPackage(Path file, String sha256, long size) {
        this.file = file;
        this.sha256 = sha256;
        this.size = size;
    }

    /**
     * Copies at most {@code maxBytes} of {@code in}; 413 {@code package_too_large} past that, 400
     * {@code package_empty} for nothing.
     */
    public static SpooledPackage spool(InputStream in, long maxBytes, Path tempDir) {
        Path file;
        try {
            Files.createDirectories(tempDir);
            file = Files.createTempFile(tempDir, "verge-upload-", ".zip");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp file in " + tempDir, e);
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long size = 0;
            try (in; OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    size += n;
                    if (size > maxBytes) {
                        throw new VergeException(ErrorKind.PAYLOAD_TOO_LARGE, "package_too_large",
                                "expected a package of at most " + maxBytes + " bytes (" + (maxBytes >> 20)
                                        + " MiB), found more");
                    }
                    out.write(buffer, 0, n);
                }
            }
            if (size == 0) {
                throw new VergeException(ErrorKind.BAD_REQUEST, "package_empty",
                        "expected a model package (.zip with model.onnx and manifest.json), found 0 bytes");
            }
            return new SpooledPackage(file, HexFormat.of().formatHex(sha.digest()), size);
        } catch (RuntimeException | IOException | NoSuchAlgorithmException e) {
            deleteQuietly(file);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot read the uploaded package", io);
            }
            throw new IllegalStateException(e);
        }
    }

    public Path file() {
        return file;
    }

    public String sha256() {
        return sha256;
    }

    long size() {
        return size;
    }

    InputStream open() {
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the spooled package " + file, e);
        }
    }

    @Override
    public void close() {
        deleteQuietly(file);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temp file that outlives us is cleaned by the OS; the upload's outcome matters more
        }
    }
}
