package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.demo.DemoModels;
import dev.verge.error.VergeException;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.ModelNotReadyException;
import dev.verge.inference.runtime.ModelSlot;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which model a name picks, before the first model, with one, and with several. */
class ModelShelfTest {
    @TempDir
    Path dir;

    private Model fruit(String version) {
        Path pkg = DemoModels.fruitQuality(dir.resolve(version), version);
        return EdgeAgent.load(pkg, AgentSettings.defaults(pkg));
    }

    /** The demo model under another name: its manifest's name is what the shelf goes by. */
    private Model renamed(String name) {
        Path pkg = DemoModels.fruitQuality(dir.resolve(name), "1");
        try {
            Path manifest = pkg.resolve("manifest.json");
            java.nio.file.Files.writeString(manifest, java.nio.file.Files.readString(manifest)
                    .replace("\"" + DemoModels.NAME + "\"", "\"" + name + "\""));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return EdgeAgent.load(pkg, AgentSettings.defaults(pkg));
    }

    @Test
    void noModelYet_anyName_503NotReady_andTheCloudFallbackMayAnswer() {
        try (ModelShelf shelf = ModelShelf.withBudget(0)) {
            assertThatThrownBy(shelf::acquire).isInstanceOf(ModelNotReadyException.class);
            assertThatThrownBy(() -> shelf.acquire("fruit")).isInstanceOf(ModelNotReadyException.class);
            assertThat(shelf.picksDefault(null)).isTrue();
            assertThat(shelf.picksDefault("fruit")).isTrue();
        }
    }

    @Test
    void oneModel_anyName_reachesIt() {
        try (ModelShelf shelf = ModelShelf.withBudget(0)) {
            shelf.put(fruit("1"), null);
            try (ModelSlot.Lease lease = shelf.acquire("4a1b0c2d-project-id")) {
                assertThat(lease.model().info().name()).isEqualTo(DemoModels.NAME);
            }
        }
    }

    @Test
    void severalModels_unknownName_404_knownNamesTheirOwn_firstPutIsTheDefault() {
        try (ModelShelf shelf = ModelShelf.withBudget(0)) {
            shelf.put(fruit("1"), null);
            shelf.put(renamed("sorter"), null);
            assertThatThrownBy(() -> shelf.acquire("fruit")).isInstanceOfSatisfying(VergeException.class,
                    e -> assertThat(e.code()).isEqualTo("model_not_found"));
            assertThat(shelf.picksDefault("fruit")).isFalse();
            try (ModelSlot.Lease lease = shelf.acquire("sorter")) {
                assertThat(lease.model().info().name()).isEqualTo("sorter");
            }
            assertThat(shelf.defaultModel()).contains(DemoModels.NAME);
            shelf.makeDefault("sorter");
            try (ModelSlot.Lease lease = shelf.acquire()) {
                assertThat(lease.model().info().name()).isEqualTo("sorter");
            }
            shelf.remove("sorter");
            assertThat(shelf.defaultModel()).as("the default removed: another one").contains(DemoModels.NAME);
        }
    }

    @Test
    void budget_modelWithoutLoader_neverUnloaded() {
        try (ModelShelf shelf = ModelShelf.withBudget(1)) {
            shelf.put(fruit("1"), null);
            shelf.put(renamed("sorter"), null);
            assertThat(shelf.loaded()).hasSize(2);
            assertThat(shelf.unloadsTotal()).isZero();
        }
    }

    @Test
    void budget_shadowCandidatesReserved_leastRecentlyUsedGivesWay_defaultStays() {
        try (ModelShelf shelf = ModelShelf.withBudget(2)) {
            shelf.put(fruit("1"), () -> fruit("1"));
            shelf.put(renamed("sorter"), () -> renamed("sorter"));
            try (ModelSlot.Lease used = shelf.acquire()) {
                assertThat(used.model().info().name()).isEqualTo(DemoModels.NAME);
            }

            shelf.reserve(1);

            assertThat(shelf.loaded()).extracting(m -> m.name()).containsExactly(DemoModels.NAME);
            assertThat(shelf.unloadsTotal()).isEqualTo(1);
            shelf.reserve(5);
            assertThat(shelf.loaded()).as("the default model stays loaded whatever is reserved").hasSize(1);
            shelf.reserve(0);
            try (ModelSlot.Lease lease = shelf.acquire("sorter")) {
                assertThat(lease.model().info().name()).as("loaded again on demand").isEqualTo("sorter");
            }
            assertThat(shelf.loaded()).hasSize(2);
        }
    }
}
