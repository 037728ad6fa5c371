package dev.verge.cloud.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.cloud.port.BlobInfo;
import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.port.BlobStoreContract;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The blob store contract on a folder, with {@code file:} download URLs (no HTTP server). */
class FileSystemBlobStoreTest extends BlobStoreContract {
    @TempDir
    Path dir;

    @Override
    protected BlobStore newStore() {
        return new FileSystemBlobStore(dir.resolve("blobs"));
    }

    private FileSystemBlobStore fs() {
        return (FileSystemBlobStore) store;
    }

    @Test
    void put_writesTheFileAtItsKeyAndLeavesNoTempFile() throws Exception {
        store.put("models/a/1/package.zip", new ByteArrayInputStream(new byte[] {1, 2, 3}), 3, "application/zip");

        assertThat(dir.resolve("blobs/models/a/1/package.zip")).hasBinaryContent(new byte[] {1, 2, 3});
        try (var temp = Files.list(dir.resolve("blobs").resolve(FileSystemBlobStore.TEMP_DIR))) {
            assertThat(temp).isEmpty();
        }
        assertThat(store.list("")).extracting(BlobInfo::key).containsExactly("models/a/1/package.zip");
    }

    @Test
    void head_fileDroppedByHand_hasSha256Etag() throws Exception {
        Path file = dir.resolve("blobs/models/dropped.zip");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "dropped");

        BlobInfo info = store.head("models/dropped.zip").orElseThrow();

        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest("dropped".getBytes(StandardCharsets.UTF_8)));
        assertThat(info.etag()).isEqualTo(sha);
        assertThat(info.size()).isEqualTo(7);
    }

    @Test
    void head_fileChangedByHand_getsNewEtag() throws Exception {
        String before = store.put("k.txt", new ByteArrayInputStream("one".getBytes(StandardCharsets.UTF_8)), 3, "text/plain").etag();
        Path file = dir.resolve("blobs/k.txt");
        Files.writeString(file, "changed by hand");

        assertThat(store.head("k.txt").orElseThrow().etag()).isNotEqualTo(before);
    }

    @Test
    void keys_thatWouldLeaveTheFolder_areRefused() {
        for (String bad : new String[] {"../x", "a/../../x", "/etc/passwd", "a//b", "a\\b", ".verge-tmp/x", "a/./b"}) {
            assertThatThrownBy(() -> store.get(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void delete_lastObjectInFolder_removesEmptyFolders() {
        store.put("models/a/1/package.zip", InputStream.nullInputStream(), 0, "application/zip");

        store.delete("models/a/1/package.zip");

        assertThat(dir.resolve("blobs/models")).doesNotExist();
        assertThat(dir.resolve("blobs")).exists();
    }

    @Test
    void downloadUrl_withoutServer_isFileUrlOfTheObject() {
        store.put("x/y.txt", new ByteArrayInputStream("hi".getBytes(StandardCharsets.UTF_8)), 2, "text/plain");

        assertThat(store.downloadUrl("x/y.txt", 60)).startsWith("file:").endsWith("x/y.txt");
        assertThat(fs().keyOf(dir.resolve("blobs/x/y.txt"))).contains("x/y.txt");
    }
}
