package dev.verge.cloud.local;

import dev.verge.cloud.rollout.PackageSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The local cloud's package signing key when none is configured: an Ed25519 key made on first start
 * and kept (owner-only) in the data folder, so that agents configured with its public key keep
 * trusting packages after a restart.
 */
final class LocalSigningKey {

    private LocalSigningKey() {}

    /** The Base64 PKCS#8 private key kept in {@code file}, created on first use. */
    static String loadOrCreate(Path file) {
        try {
            if (!Files.exists(file)) {
                Path dir = file.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, ".signing", ".tmp");
                try {
                    try {
                        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                    } catch (UnsupportedOperationException notPosix) {
                        // Windows: the data folder's own ACL applies
                    }
                    Files.writeString(tmp, PackageSigner.generate().privateKeyBase64() + "\n", StandardOpenOption.TRUNCATE_EXISTING);
                    // a second process starting at the same time keeps the first key
                    Files.move(tmp, file);
                } catch (FileAlreadyExistsException raced) {
                    Files.deleteIfExists(tmp);
                }
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the package signing key " + file, e);
        }
    }
}
