package dev.verge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The whole demo end to end, in this JVM, with short waits: local cloud, two agents, v1, a bad canary rolled back. */
@Timeout(240)
class DemoCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
        savedOut.print(out.toString(StandardCharsets.UTF_8));
        savedErr.print(err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void demo_wholeLoop_deploysThenRollsBackTheBadCanaryAndExitsZero(@TempDir Path dir) {
        int code = new CommandLine(new VergeCli()).execute("demo", "--rounds", "1", "--work-dir", dir.toString(),
                "--timeout-seconds", "60");

        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(printed)
                .contains("answers 503 model_not_ready until the first deployment")
                .containsPattern("all 2 agents serve fruit-quality 1 [0-9.]+ s after POST /api/deployments")
                .contains("demo-cam-1: 16 right, 0 wrong, 0 failed (version 1)")
                .contains("demo-cam-2: 16 right, 0 wrong, 0 failed (version 1)")
                .containsPattern("rolled-back [0-9.]+ s after POST /api/deployments: .*canary devices go back to fruit-quality/1")
                .contains("deployment history of demo-line")
                .containsPattern("all 2 agents serve fruit-quality 1 again")
                .contains("demo: every step went as expected");
        assertThat(printed)
                .containsPattern("bad version 2 \\(answers unripe for every picture\\) rolled back by maxDrift")
                .containsPattern("prediction drift [0-9.]+ is above maxDrift 0.2")
                .containsPattern("bad version 3 .* rolled back by maxErrorRate")
                .containsPattern("error rate [0-9.]+ .* is above maxErrorRate 0.05");
    }

}
