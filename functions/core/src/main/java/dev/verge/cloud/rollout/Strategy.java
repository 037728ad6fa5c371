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
 * and is watched for {@code bakeMinutes}, default 0), {@code canary} ({@code percent} of the
 * devices first, watched for {@code bakeMinutes}, then everyone) or {@code shadow} (every device keeps
 * answering with the version in production and runs the new one beside it on {@code percent} of the
 * model's requests for {@code bakeMinutes}; if it agreed well enough the deployment goes on as {@code then}
 * says, a canary or all at once, else it ends).
 *
 * @param type {@code canary}, {@code all-at-once} or {@code shadow}
 * @param then for {@code shadow}: how the version reaches the group once the shadow passed; null otherwise
 */
public record Strategy(String type, Integer percent, Double bakeMinutes, Strategy then) {
    public static final String CANARY = "canary";
    public static final String ALL_AT_ONCE = "all-at-once";
    public static final String SHADOW = "shadow";
    private static final String EXPECTED = "expected \"all-at-once\", {\"type\": \"canary\", \"percent\": 1..100,"
            + " \"bakeMinutes\": >= 0} or {\"type\": \"shadow\", \"percent\": 1..100, \"bakeMinutes\": >= 0, \"then\": ...}";

    /**
     * Reads {@code "all-at-once"}, {@code "canary"} (10 %, 30 minutes) or an object
     * {@code {"type": "canary", "percent": 25, "bakeMinutes": 30}}, or a shadow object whose {@code then} is one of
     * those; 400 {@code strategy_invalid} saying every problem.
     */
    public static Strategy parse(JsonNode node) {
        List<String> problems = new ArrayList<>();
        Strategy strategy = parse(node, "strategy", true, problems);
        if (!problems.isEmpty()) {
            throw invalid(problems);
        }
        return strategy;
    }

    private static Strategy parse(JsonNode node, String at, boolean shadowAllowed, List<String> problems) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            problems.add(at + ": " + EXPECTED + ", found none");
            return null;
        }
        if (node.isTextual()) {
            return switch (node.asText()) {
                case ALL_AT_ONCE -> new Strategy(ALL_AT_ONCE, 100, 0.0, null);
                case CANARY -> new Strategy(CANARY, 10, 30.0, null);
                default -> {
                    problems.add(at + ": expected \"all-at-once\" or \"canary\", found \"" + node.asText() + "\"");
                    yield null;
                }
            };
        }
        if (!node.isObject()) {
            problems.add(at + ": expected a string or an object, found " + node.getNodeType().name().toLowerCase());
            return null;
        }
        String type = node.path("type").asText("");
        boolean shadow = type.equals(SHADOW) && shadowAllowed;
        if (!type.equals(CANARY) && !type.equals(ALL_AT_ONCE) && !shadow) {
            problems.add(at + ".type: expected \"canary\", \"all-at-once\"" + (shadowAllowed ? " or \"shadow\"" : "")
                    + ", found " + (type.isEmpty() ? "none" : "\"" + type + "\"")
                    + (type.equals(SHADOW) ? " (a shadow goes on as a canary or all at once, not as another shadow)" : ""));
        }
        Integer percent = null;
        JsonNode p = node.path("percent");
        if (type.equals(CANARY) || shadow) {
            if (!p.isIntegralNumber() || p.asInt() < 1 || p.asInt() > 100) {
                problems.add(at + ".percent: expected a whole number from 1 to 100, found " + (p.isMissingNode() ? "none" : p.toString()));
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
                problems.add(at + ".bakeMinutes: expected a number of minutes from 0 to 10080, found " + b);
            } else {
                bake = b.asDouble();
            }
        } else if (type.equals(CANARY) || shadow) {
            problems.add(at + ".bakeMinutes: expected how long the " + (shadow ? "shadow runs" : "canary is watched")
                    + " (minutes, >= 0), found none");
        }
        Strategy then = null;
        if (shadow) {
            JsonNode next = node.path("then");
            if (next.isMissingNode() || next.isNull()) {
                problems.add(at + ".then: expected what follows a shadow that passed (\"all-at-once\" or a canary), found none");
            } else {
                then = parse(next, at + ".then", false, problems);
            }
        } else if (node.has("then")) {
            problems.add(at + ".then: only a shadow goes on to another strategy; found one on a " + type);
        }
        return new Strategy(type, percent, bake, then);
    }

    private static VergeException invalid(List<String> problems) {
        return new VergeException(ErrorKind.BAD_REQUEST, "strategy_invalid", String.join("; ", problems));
    }

    /** True for a canary (also one that follows a shadow: see {@link #rollout()}). */
    @JsonIgnore
    public boolean canary() {
        return CANARY.equals(type);
    }

    @JsonIgnore
    public boolean shadow() {
        return SHADOW.equals(type);
    }

    /** How the version reaches the group's devices: {@code then} for a shadow, else this. */
    @JsonIgnore
    public Strategy rollout() {
        return shadow() ? then : this;
    }

    @JsonIgnore
    public Duration bakeTime() {
        return Duration.ofMillis(Math.round((bakeMinutes == null ? 0 : bakeMinutes) * 60_000));
    }
}
