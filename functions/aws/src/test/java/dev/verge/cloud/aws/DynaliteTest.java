package dev.verge.cloud.aws;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynaliteTest {

    @Test
    void start_notInstalledUnderTheRepository_saysHowToInstallIt(@TempDir Path repository) {
        assertThatThrownBy(() -> Dynalite.start(repository))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(repository.resolve(".cache/npm/node_modules/.bin/dynalite").toString())
                .hasMessageContaining("./verge fetch-test-models");
    }
}
