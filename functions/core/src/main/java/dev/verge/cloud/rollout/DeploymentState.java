package dev.verge.cloud.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where a deployment stands. {@code rolling-out}: the canary devices are taking the new version;
 * {@code baking}: every canary device serves it and the bake time runs; {@code promoted}: the whole
 * group runs it; {@code rolled-back}: a health rule broke and the canary devices went back to the
 * last good version; {@code superseded}: a newer deployment to the group replaced it before it ended.
 */
public enum DeploymentState {
    ROLLING_OUT, BAKING, PROMOTED, ROLLED_BACK, SUPERSEDED;

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
        return this == ROLLING_OUT || this == BAKING;
    }
}
