package dev.verge.cloud.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a deployment stands. {@code rolling-out}: the canary devices are taking the new version;
 * {@code baking}: every canary device serves it and the bake time runs; {@code promoted}: the whole
 * group runs it; {@code rolled-back}: a health rule broke and the canary devices went back to the
 * last good version; {@code superseded}: a newer deployment of the model to the group replaced it before it
 * ended. A shadow deployment starts {@code shadowing} (devices answer with the last good version and run the
 * new one beside it) and then goes on to {@code rolling-out}, or ends {@code shadow-ended} when the new
 * version did not agree well enough (nothing changed on any device's answers).
 */
public enum DeploymentState {
    SHADOWING, ROLLING_OUT, BAKING, PROMOTED, ROLLED_BACK, SHADOW_ENDED, SUPERSEDED;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static DeploymentState parse(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** Still under evaluation by the rollout controller. */
    public boolean inProgress() {
        return this == SHADOWING || this == ROLLING_OUT || this == BAKING;
    }
}
