package dev.verge.edge.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.edge.sync.StateStore.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateStoreTest {
    private static final PackageRef V1 = new PackageRef("fruit-quality", "1", "a".repeat(64), 100, "c2lnMQ==");
    private static final PackageRef V2 = new PackageRef("fruit-quality", "2", "b".repeat(64), 200, "c2lnMg==");

    @TempDir
    Path dir;

    @Test
    void read_noStateYet_empty() {
        try (StateStore store = new StateStore(dir)) {
            assertThat(store.read()).isEqualTo(State.EMPTY);
        }
    }

    @Test
    void write_thenRead_sameStateAndNoTemporaryFileLeft() {
        try (StateStore store = new StateStore(dir)) {
            store.write(new State(V2, V1));
        }

        try (StateStore reopened = new StateStore(dir)) {
            assertThat(reopened.read()).isEqualTo(new State(V2, V1));
        }
        assertThat(dir.resolve("state.json.tmp")).doesNotExist();
    }

    @Test
    void read_stateFileTruncated_emptyAndFileSetAside() throws Exception {
        Files.writeString(dir.resolve("state.json"), "{\"current\": {\"model\": \"fruit-q");

        try (StateStore store = new StateStore(dir)) {
            assertThat(store.read()).isEqualTo(State.EMPTY);
        }
        assertThat(dir.resolve("state.json.unreadable")).exists();
    }

    @Test
    void open_directoryInUseByAnotherAgent_refused() {
        try (StateStore held = new StateStore(dir)) {
            assertThat(held.directory()).isEqualTo(dir);
            assertThatThrownBy(() -> new StateStore(dir))
                    .isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageContaining("another agent uses the state directory");
        }
        new StateStore(dir).close(); // free again once the first one closed
    }

    @Test
    void prune_packagesNotNamed_deletedNamedOnesKept() throws Exception {
        try (StateStore store = new StateStore(dir)) {
            Files.write(store.packageFile(V1), new byte[] {1});
            Files.write(store.packageFile(V2), new byte[] {2});
            Files.write(dir.resolve("packages/" + "c".repeat(64) + ".zip"), new byte[] {3});
            Files.write(store.partFile(V2), new byte[] {2});
            Files.write(dir.resolve("downloads/" + "d".repeat(64) + ".part"), new byte[] {4});

            store.prune(new State(V1, null), V2);

            try (Stream<Path> packages = Files.list(dir.resolve("packages")); Stream<Path> downloads = Files.list(dir.resolve("downloads"))) {
                assertThat(packages).containsExactlyInAnyOrder(store.packageFile(V1), store.packageFile(V2));
                assertThat(downloads).containsExactly(store.partFile(V2));
            }
        }
    }

    @Test
    void open_leftoversOfAnInterruptedLoad_removed() throws Exception {
        Files.createDirectories(dir.resolve("unpacked/verge-pkg-123"));
        Files.writeString(dir.resolve("unpacked/verge-pkg-123/model.onnx"), "half");

        new StateStore(dir).close();

        assertThat(dir.resolve("unpacked")).isEmptyDirectory();
    }
}
