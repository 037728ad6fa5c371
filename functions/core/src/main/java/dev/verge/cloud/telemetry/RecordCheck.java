package dev.verge.cloud.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.analytics.Observation;
import dev.verge.cloud.registry.ModelNames;
import dev.verge.inference.pkg.Manifest;
import dev.verge.wire.telemetry.TelemetryRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks one record of a telemetry batch ({@link TelemetryRecord}, the wire contract) and names the
 * first bad field with the record's index. A record that fails is rejected on its own
 * ({@link RecordInvalidException}); its batch goes on.
 */
final class RecordCheck {

    /** Records stamped further ahead of the cloud's clock than this are refused (a device clock gone wrong). */
    static final Duration MAX_CLOCK_AHEAD = Duration.ofDays(1);
    private static final double MAX_MS = TelemetryRecord.MAX_MS;
    private static final int MAX_TEXT = TelemetryRecord.MAX_TEXT;

    /** A record that passed, with its time read. */
    record Checked(Instant time, TelemetryRecord record) {
        /** What this record adds to a rollup. */
        Observation observation() {
            Double total = null;
            for (Double part : new Double[] {record.decodeMs(), record.preprocessMs(), record.inferMs()}) {
                if (part != null) {
                    total = total == null ? part : total + part;
                }
            }
            return new Observation(record.status(), record.label(), record.probability(), total, record.inferMs());
        }
    }

    private RecordCheck() {}

    /**
     * Reads record {@code path} (for example {@code records[3]}). {@code model} and {@code version} are both
     * null for a request no model served (answered before the first model, or refused before one was taken).
     */
    static Checked read(JsonNode node, String path, Instant now) {
        if (node == null || !node.isObject()) {
            throw new RecordInvalidException(path, "expected a JSON object, found " + BatchParser.describe(node));
        }
        String timeText = text(node, path, "time", true);
        Instant time;
        try {
            time = Instant.parse(timeText);
        } catch (DateTimeParseException e) {
            throw new RecordInvalidException(path + ".time", "expected an ISO-8601 instant such as 2026-12-02T10:00:00Z,"
                    + " found \"" + ModelNames.printable(timeText) + "\"");
        }
        if (time.isAfter(now.plus(MAX_CLOCK_AHEAD))) {
            throw new RecordInvalidException(path + ".time", "expected a time no later than a day ahead of the cloud's clock ("
                    + now + "), found " + time + "; check the device's clock");
        }
        String model = text(node, path, "model", false);
        // the rule of what an agent can load (Manifest), a little wider for versions than the registry's
        if (model != null && !Manifest.isSafeName(model)) {
            throw new RecordInvalidException(path + ".model", "expected a model name of letters, digits, '.', '_' or '-',"
                    + " or null when no model answered, found \"" + ModelNames.printable(model) + "\"");
        }
        JsonNode versionNode = node.get("version");
        String version = versionNode != null && versionNode.isIntegralNumber() ? versionNode.asText()
                : text(node, path, "version", false);
        if (model != null && version == null) {
            throw new RecordInvalidException(path + ".version", "expected the version of model " + model + ", found nothing");
        }
        if (model == null && version != null) {
            throw new RecordInvalidException(path + ".model", "expected the model of version " + ModelNames.printable(version)
                    + ", found nothing");
        }
        if (version != null && !Manifest.isSafeName(version)) {
            throw new RecordInvalidException(path + ".version", "expected a model version of letters, digits, '.', '_' or '-',"
                    + " found \"" + ModelNames.printable(version) + "\"");
        }
        JsonNode statusNode = node.get("status");
        if (statusNode == null || !statusNode.canConvertToInt() || !statusNode.isIntegralNumber()
                || statusNode.asInt() < 100 || statusNode.asInt() > 599) {
            throw new RecordInvalidException(path + ".status", "expected an HTTP status from 100 to 599, found "
                    + BatchParser.describe(statusNode));
        }
        String label = text(node, path, "label", false);
        if (label != null && label.length() > MAX_TEXT) {
            throw new RecordInvalidException(path + ".label", "expected a label of at most " + MAX_TEXT + " characters,"
                    + " found " + label.length());
        }
        String route = shortText(node, path, "route");
        String error = shortText(node, path, "error");
        TelemetryRecord record = new TelemetryRecord(timeText, model, version, route, statusNode.asInt(), error, label,
                number(node, path, "probability", 0, 1), number(node, path, "decodeMs", 0, MAX_MS),
                number(node, path, "preprocessMs", 0, MAX_MS), number(node, path, "inferMs", 0, MAX_MS),
                count(node, path, "inputBytes"), detections(node, path));
        return new Checked(time, record);
    }

    private static String shortText(JsonNode node, String path, String field) {
        String value = text(node, path, field, false);
        if (value != null && value.length() > MAX_TEXT) {
            throw new RecordInvalidException(path + "." + field, "expected at most " + MAX_TEXT + " characters, found "
                    + value.length());
        }
        return value;
    }

    /** Not counted in rollups; checked so that a record the agent cannot produce is not taken for one it can. */
    private static List<TelemetryRecord.Detection> detections(JsonNode node, String path) {
        JsonNode value = node.get("detections");
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw new RecordInvalidException(path + ".detections", "expected an array or null, found " + BatchParser.describe(value));
        }
        List<TelemetryRecord.Detection> out = new ArrayList<>(value.size());
        for (int i = 0; i < value.size(); i++) {
            String at = path + ".detections[" + i + "]";
            JsonNode d = value.get(i);
            if (!d.isObject()) {
                throw new RecordInvalidException(at, "expected an object, found " + BatchParser.describe(d));
            }
            Double probability = number(d, at, "probability", 0, 1);
            JsonNode box = d.get("boundingBox");
            TelemetryRecord.Box b = null;
            if (box != null && !box.isNull()) {
                if (!box.isObject()) {
                    throw new RecordInvalidException(at + ".boundingBox", "expected an object or null, found "
                            + BatchParser.describe(box));
                }
                b = new TelemetryRecord.Box(required(box, at + ".boundingBox", "left"), required(box, at + ".boundingBox", "top"),
                        required(box, at + ".boundingBox", "width"), required(box, at + ".boundingBox", "height"));
            }
            out.add(new TelemetryRecord.Detection(shortText(d, at, "label"), probability == null ? 0 : probability, b));
        }
        return out;
    }

    private static double required(JsonNode node, String path, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isNumber() || !Double.isFinite(value.doubleValue())) {
            throw new RecordInvalidException(path + "." + field, "expected a number, found " + BatchParser.describe(value));
        }
        return value.doubleValue();
    }

    private static String text(JsonNode node, String path, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new RecordInvalidException(path + "." + field, "expected a string, found nothing");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new RecordInvalidException(path + "." + field, "expected a string" + (required ? "" : " or null")
                    + ", found " + BatchParser.describe(value));
        }
        return value.textValue();
    }

    private static Double number(JsonNode node, String path, String field, double min, double max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || value.doubleValue() < min || value.doubleValue() > max) {
            throw new RecordInvalidException(path + "." + field, "expected a number from " + fmt(min) + " to " + fmt(max)
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
            throw new RecordInvalidException(path + "." + field, "expected a whole number >= 0 or null, found "
                    + BatchParser.describe(value));
        }
        return value.longValue();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
