package dev.verge.cloud.rollout;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a deployment reaches its group: {@code all-at-once} (every device takes the version at once,
 * and is watched for {@code bakeMinutes}, default 0) or {@code canary} ({@code percent} of the
 * devices first, watched for {@code bakeMinutes}, then everyone).
 *
 * @param type {@code canary} or {@code all-at-once}
 */
public record Strategy(String type, Integer percent, Double bakeMinutes) {
    public static final String CANARY = "canary";
    public static final String ALL_AT_ONCE = "all-at-once";

    /**
     * Reads {@code "all-at-once"}, {@code "canary"} (10 %, 30 minutes) or an object
     * {@code {"type": "canary", "percent": 25, "bakeMinutes": 30}}; 400 {@code strategy_invalid} saying
     * every problem.
     */
    public static Strategy parse(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw invalid(List.of("expected strategy \"all-at-once\" or {\"type\": \"canary\", \"percent\": 1..100,"
                    + " \"bakeMinutes\": >= 0}, found none"));
        }
        if (node.isTextual()) {
            return switch (node.asText()) {
                case ALL_AT_ONCE -> new Strategy(ALL_AT_ONCE, 100, 0.0);
                case CANARY -> new Strategy(CANARY, 10, 30.0);
                default -> throw invalid(List.of("expected strategy \"all-at-once\" or \"canary\", found \"" + node.asText() + "\""));
            };
        }
        if (!node.isObject()) {
            throw invalid(List.of("expected strategy as a string or an object, found " + node.getNodeType().name().toLowerCase()));
        }
        List<String> problems = new ArrayList<>();
        String type = node.path("type").asText("");
        if (!type.equals(CANARY) && !type.equals(ALL_AT_ONCE)) {
            problems.add("strategy.type: expected \"canary\" or \"all-at-once\", found " + (type.isEmpty() ? "none" : "\"" + type + "\""));
        }
        Integer percent = null;
        JsonNode p = node.path("percent");
        if (type.equals(CANARY)) {
            if (!p.isIntegralNumber() || p.asInt() < 1 || p.asInt() > 100) {
                problems.add("strategy.percent: expected a whole number from 1 to 100, found " + (p.isMissingNode() ? "none" : p.toString()));
            } else {
                percent = p.asInt();
            }
        } else {
            percent = 100;
        }
        double bake = 0;
        JsonNode b = node.path("bakeMinutes");
        if (!b.isMissingNode() && !b.isNull()) {
            if (!b.isNumber() || b.asDouble() < 0 || b.asDouble() > 7 * 24 * 60) {
                problems.add("strategy.bakeMinutes: expected a number of minutes from 0 to 10080, found " + b);
            } else {
                bake = b.asDouble();
            }
        } else if (type.equals(CANARY)) {
            problems.add("strategy.bakeMinutes: expected how long the canary is watched (minutes, >= 0), found none");
        }
        if (!problems.isEmpty()) {
            throw invalid(problems);
        }
        return new Strategy(type, percent, bake);
    }

    private static VergeException invalid(List<String> problems) {
        return new VergeException(ErrorKind.BAD_REQUEST, "strategy_invalid", String.join("; ", problems));
    }

    @JsonIgnore
    public boolean canary() {
        return CANARY.equals(type);
    }

    @JsonIgnore
    public Duration bakeTime() {
        return Duration.ofMillis(Math.round((bakeMinutes == null ? 0 : bakeMinutes) * 60_000));
    }
}
