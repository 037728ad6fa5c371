package dev.verge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoCommandTest {

    @Test
    void demo_oneRound_classifiesEverySampleAndExitsZero(@TempDir Path dir) {
        int code = new CommandLine(new VergeCli()).execute("demo", "--rounds", "1", "--work-dir", dir.toString());

        assertThat(code).isZero();
    }
}
