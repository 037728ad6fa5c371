package dev.verge.cli;

import dev.verge.demo.DemoModels;
import java.nio.file.Path;

/**
 * The deliberately bad versions the demo rolls out as canaries, each with the health rule that catches
 * it and what a camera sees on its canary.
 */
enum BadVersion {
    /**
     * Answers unripe for every picture: no errors, no slow answers, so only prediction drift (the share
     * of each label moving away from the last good version's) tells it apart. The rollout controller
     * knows drift once a {@code HealthSource} reports it (the analytics of the agents' telemetry).
     */
    ALWAYS_UNRIPE("2", "answers unripe for every picture", "maxDrift", "drift") {
        @Override
        Path write(Path dir) {
            return DemoModels.fruitQualityAlwaysUnripe(dir, version);
        }

        @Override
        boolean behavesAsExpected(ClassificationTable.Tally canary) {
            return canary.failed() == 0 && canary.unripe() == canary.total();
        }
    },
    /**
     * Fails to run on the line's bright pictures, though it passes the registry's smoke test: every answer
     * on the canary is a 500, which the agent reports and the error-rate rule catches.
     */
    FAILS_ON_BRIGHT_PICTURES("3", "fails to run on the line's (bright) pictures", "maxErrorRate", "the error rate") {
        @Override
        Path write(Path dir) {
            return DemoModels.fruitQualityFailingOnBrightPictures(dir, version);
        }

        @Override
        boolean behavesAsExpected(ClassificationTable.Tally canary) {
            return canary.failed() == canary.total();
        }
    };

    final String version;
    final String flaw;
    /** The health rule that should roll it back; its name appears in the controller's reason. */
    final String rule;
    /** What the controller must see to roll it back, as the demo says while it waits. */
    final String signal;

    BadVersion(String version, String flaw, String rule, String signal) {
        this.version = version;
        this.flaw = flaw;
        this.rule = rule;
        this.signal = signal;
    }

    /** Writes the package folder under {@code dir}; answers it. */
    abstract Path write(Path dir);

    /** True when the canary's answers show the flaw (and only it). */
    abstract boolean behavesAsExpected(ClassificationTable.Tally canary);
}
