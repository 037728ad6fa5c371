package dev.verge.cloud.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.analytics.Observation;
import dev.verge.cloud.registry.ModelNames;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One prediction an edge agent answered, as sent in a telemetry batch (see contracts: telemetry).
 * {@link #parse} checks every field and names the first bad one with the record's index.
 */
public record TelemetryRecord(Instant time, String model, String version, int status, String error, String label,
                              Double probability, Double decodeMs, Double preprocessMs, Double inferMs, Long inputBytes) {

    /** Records stamped further ahead of the cloud's clock than this are refused (a device clock gone wrong). */
    static final Duration MAX_CLOCK_AHEAD = Duration.ofDays(1);
    private static final double MAX_MS = 3_600_000;
    private static final int MAX_LABEL = 256;

    /** What this record adds to a rollup. */
    public Observation observation() {
        Double total = null;
        for (Double part : new Double[] {decodeMs, preprocessMs, inferMs}) {
            if (part != null) {
                total = total == null ? part : total + part;
            }
        }
        return new Observation(status, label, probability, total, inferMs);
    }

    /** Reads record {@code path} (for example {@code records[3]}); 400 {@code telemetry_invalid} naming the field. */
    static TelemetryRecord parse(JsonNode node, String path, Instant now) {
        if (node == null || !node.isObject()) {
            throw BatchParser.invalid(path, "expected a JSON object, found " + BatchParser.describe(node));
        }
        Instant time = instant(node, path, "time");
        if (time.isAfter(now.plus(MAX_CLOCK_AHEAD))) {
            throw BatchParser.invalid(path + ".time", "expected a time no later than a day ahead of the cloud's clock ("
                    + now + "), found " + time + "; check the device's clock");
        }
        String model = text(node, path, "model", true);
        if (!ModelNames.isValidName(model)) {
            throw BatchParser.invalid(path + ".model", "expected a model name of letters, digits, '.', '_' or '-', found \""
                    + ModelNames.printable(model) + "\"");
        }
        JsonNode versionNode = node.get("version");
        String version = versionNode != null && versionNode.isIntegralNumber() ? versionNode.asText() : text(node, path, "version", true);
        if (!ModelNames.isValidVersion(version)) {
            throw BatchParser.invalid(path + ".version", "expected a model version of letters, digits, '.', '_' or '-', found \""
                    + ModelNames.printable(version) + "\"");
        }
        JsonNode statusNode = node.get("status");
        if (statusNode == null || !statusNode.canConvertToInt() || !statusNode.isIntegralNumber()
                || statusNode.asInt() < 100 || statusNode.asInt() > 599) {
            throw BatchParser.invalid(path + ".status", "expected an HTTP status from 100 to 599, found " + BatchParser.describe(statusNode));
        }
        String label = text(node, path, "label", false);
        if (label != null && label.length() > MAX_LABEL) {
            throw BatchParser.invalid(path + ".label", "expected a label of at most " + MAX_LABEL + " characters, found " + label.length());
        }
        Double probability = number(node, path, "probability", 0, 1);
        return new TelemetryRecord(time, model, version, statusNode.asInt(), text(node, path, "error", false), label,
                probability, number(node, path, "decodeMs", 0, MAX_MS), number(node, path, "preprocessMs", 0, MAX_MS),
                number(node, path, "inferMs", 0, MAX_MS), count(node, path, "inputBytes"));
    }

    private static Instant instant(JsonNode node, String path, String field) {
        String text = text(node, path, field, true);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw BatchParser.invalid(path + "." + field, "expected an ISO-8601 instant such as 2026-12-02T10:00:00Z, found \""
                    + ModelNames.printable(text) + "\"");
        }
    }

    private static String text(JsonNode node, String path, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw BatchParser.invalid(path + "." + field, "expected a string, found nothing");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw BatchParser.invalid(path + "." + field, "expected a string" + (required ? "" : " or null") + ", found "
                    + BatchParser.describe(value));
        }
        return value.textValue();
    }

    private static Double number(JsonNode node, String path, String field, double min, double max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || value.doubleValue() < min || value.doubleValue() > max) {
            throw BatchParser.invalid(path + "." + field, "expected a number from " + fmt(min) + " to " + fmt(max)
                    + " or null, found " + BatchParser.describe(value));
        }
        return value.doubleValue();
    }

    private static Long count(JsonNode node, String path, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
            throw BatchParser.invalid(path + "." + field, "expected a whole number >= 0 or null, found " + BatchParser.describe(value));
        }
        return value.longValue();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
