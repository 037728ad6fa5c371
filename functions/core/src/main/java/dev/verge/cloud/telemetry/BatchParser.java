package dev.verge.cloud.telemetry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.registry.ModelNames;
import dev.verge.cloud.rights.ReportWindow;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import dev.verge.wire.telemetry.TelemetryAnswer;
import dev.verge.wire.telemetry.TelemetryBatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads a telemetry batch ({@link TelemetryBatch}) as a stream: the records are handed to a consumer one
 * at a time and never held together, so a batch of 50,000 records costs the memory of one record (plus
 * what the consumer keeps). A record that fails its check ({@link RecordCheck}) is handed to the
 * rejection consumer with its index and field, for example
 * {@code records[3].status: expected an HTTP status from 100 to 599, found "abc"}, and the batch goes on.
 * Only what makes the batch itself unreadable (invalid JSON, no batch id, no records array) is a 400
 * {@code telemetry_invalid} for the whole batch.
 */
final class BatchParser {
    // records are read one by one from the middle of the stream, so what follows one is not an error
    private static final ObjectReader RECORDS = CloudJson.mapper().readerFor(JsonNode.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    /** The batch without its records: how many were counted ({@code records}) and how many rejected. */
    record Header(String batchId, String deviceId, Instant sentAt, long dropped, int records, int rejected) {}

    private BatchParser() {}

    static Header parse(InputStream in, int maxRecords, Instant now, ReportWindow window, Consumer<RecordCheck.Checked> records,
                        Consumer<TelemetryAnswer.Rejection> rejections) {
        try (JsonParser p = RECORDS.createParser(in)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw invalid("(body)", "expected a JSON object with batchId, deviceId and records, found "
                        + (first == null ? "an empty body" : first.asString() == null ? first.name() : first.asString()));
            }
            String batchId = null;
            String deviceId = null;
            Instant sentAt = null;
            long dropped = 0;
            int[] count = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case TelemetryBatch.BATCH_ID -> batchId = checkBatchId(scalarText(p, TelemetryBatch.BATCH_ID));
                    case TelemetryBatch.DEVICE_ID -> deviceId = scalarText(p, TelemetryBatch.DEVICE_ID);
                    case TelemetryBatch.SENT_AT -> sentAt = sentAt(p);
                    case TelemetryBatch.DROPPED -> dropped = dropped(p);
                    case TelemetryBatch.RECORDS -> count = records(p, maxRecords, now, window, records, rejections);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw invalid("(body)", "expected the batch object to end the body, found more after it");
            }
            if (batchId == null) {
                throw invalid("batchId", "expected a batch id (a UUID), found nothing");
            }
            if (deviceId == null) {
                throw invalid("deviceId", "expected the sending device's id, found nothing");
            }
            if (count == null) {
                throw invalid("records", "expected an array of records (it may be empty), found nothing");
            }
            return new Header(batchId, deviceId, sentAt, dropped, count[0], count[1]);
        } catch (JsonProcessingException e) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "json_invalid",
                    "expected a telemetry batch in JSON, found invalid JSON at line " + e.getLocation().getLineNr()
                            + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        } catch (java.io.CharConversionException e) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "json_invalid",
                    "expected a telemetry batch in JSON (UTF-8), found bytes that are not text: " + e.getMessage());
        } catch (IOException e) {
            if (e.getCause() instanceof VergeException refused) {
                throw refused;
            }
            throw new UncheckedIOException("cannot read the telemetry batch", e);
        }
    }

    /** Counted and rejected records. */
    private static int[] records(JsonParser p, int maxRecords, Instant now, ReportWindow window, Consumer<RecordCheck.Checked> sink,
                                 Consumer<TelemetryAnswer.Rejection> rejections) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw invalid("records", "expected an array of records, found " + describeToken(p));
        }
        int index = 0;
        int rejected = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (index >= maxRecords) {
                throw new VergeException(ErrorKind.PAYLOAD_TOO_LARGE, "batch_too_large",
                        "expected at most " + maxRecords + " records in one batch, found more; send smaller batches");
            }
            JsonNode node = RECORDS.readTree(p);
            RecordCheck.Checked checked;
            try {
                checked = RecordCheck.read(node, "records[" + index + "]", now);
                RecordCheck.Checked read = checked;
                var refusal = window.check(read.record().model(), read.record().version(), read.time());
                if (refusal.isPresent()) {
                    throw new RecordInvalidException("records[" + index + "]." + refusal.get().field(), refusal.get().reason());
                }
            } catch (RecordInvalidException e) {
                checked = null;
                rejected++;
                rejections.accept(new TelemetryAnswer.Rejection(index, e.field(), e.reason()));
            }
            if (checked != null) {
                sink.accept(checked);
            }
            index++;
        }
        return new int[] {index - rejected, rejected};
    }

    private static String scalarText(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING || p.getText().isBlank()) {
            throw invalid(field, "expected a non-empty string, found " + describeToken(p));
        }
        return p.getText();
    }

    private static String checkBatchId(String id) {
        if (!BATCH_ID.matcher(id).matches()) {
            throw invalid("batchId", "expected 1-128 letters, digits, '.', '_', ':' or '-' (a UUID), found \""
                    + ModelNames.printable(id) + "\"");
        }
        return id;
    }

    private static Instant sentAt(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        String text = scalarText(p, "sentAt");
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw invalid("sentAt", "expected an ISO-8601 instant, found \"" + ModelNames.printable(text) + "\"");
        }
    }

    private static long dropped(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return 0;
        }
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                || p.getLongValue() < 0) {
            throw invalid("dropped", "expected a whole number >= 0, found " + describeToken(p));
        }
        return p.getLongValue();
    }

    static VergeException invalid(String path, String message) {
        return new VergeException(ErrorKind.BAD_REQUEST, "telemetry_invalid", path + ": " + message);
    }

    private static String describeToken(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "\"" + ModelNames.printable(p.getText()) + "\"";
            case VALUE_NULL -> "null";
            default -> p.getText();
        };
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isTextual()) {
            return "\"" + ModelNames.printable(node.textValue()) + "\"";
        }
        return node.toString();
    }
}
