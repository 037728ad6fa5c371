package dev.verge.cloud.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verge.cloud.events.BlobUploads;
import dev.verge.cloud.events.EventSource;
import dev.verge.cloud.registry.UploadOutcome;
import dev.verge.error.VergeException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns S3 {@code ObjectCreated} notifications into calls of the core's {@link BlobUploads} use case,
 * which applies the event rules (another bucket names no key of the registry's), keeps the audit record
 * and makes a redelivery change nothing. Every record gets an outcome in the {@link Report}; a malformed
 * record or another event type is reported and skipped, never thrown. Only a failure worth retrying (a
 * store unreachable) is thrown, after every other record was handled, so that Lambda redelivers the
 * event: records already handled are not handled twice.
 */
final class S3UploadEvents {
    private static final System.Logger LOG = System.getLogger(S3UploadEvents.class.getName());

    /** What happened to one record. {@code result} is an {@link UploadOutcome.Result} name, or SKIPPED / FAILED. */
    record RecordReport(int index, String bucket, String key, String result, String name, String version, String reason) {}

    /** What happened to one delivery; {@code testEvent} for S3's configuration test. */
    record Report(boolean testEvent, List<RecordReport> records) {
        boolean anyFailed() {
            return records.stream().anyMatch(r -> r.result().equals("FAILED"));
        }
    }

    /** Thrown after a delivery in which some record could not be handled for a reason a retry may cure. */
    static final class RetryableFailure extends RuntimeException {
        private final transient Report report;

        RetryableFailure(Report report, Throwable cause) {
            super("some records of the S3 event could not be handled and should be retried: " + report.records(), cause);
            this.report = report;
        }

        Report report() {
            return report;
        }
    }

    private final BlobUploads uploads;
    private final ObjectMapper json;

    S3UploadEvents(BlobUploads uploads, ObjectMapper json) {
        this.uploads = uploads;
        this.json = json;
    }

    /** Handles one delivery; throws {@link RetryableFailure} only when some record should be retried. */
    Report handle(InputStream event) {
        JsonNode tree;
        try {
            tree = json.readTree(event);
        } catch (IOException e) {
            RecordReport bad = new RecordReport(-1, null, null, "SKIPPED", null, null,
                    "expected an S3 notification in JSON, found unreadable input: " + e.getMessage());
            LOG.log(Level.WARNING, bad.reason());
            return new Report(false, List.of(bad));
        }
        return switch (S3Notification.from(tree == null ? json.nullNode() : tree)) {
            case S3Notification.TestEvent test -> {
                LOG.log(Level.INFO, "s3:TestEvent for bucket " + test.bucket() + ": notifications are configured");
                yield new Report(true, List.of());
            }
            case S3Notification.Records records -> handleAll(records.records());
        };
    }

    private Report handleAll(List<S3Notification.Entry> entries) {
        List<RecordReport> reports = new ArrayList<>();
        RuntimeException retryable = null;
        for (S3Notification.Entry entry : entries) {
            try {
                reports.add(handleOne(entry));
            } catch (VergeException e) {
                boolean retry = e.kind().httpStatus() >= 500;
                reports.add(failure(entry, retry ? "FAILED" : "SKIPPED", e.code() + ": " + e.getMessage()));
                retryable = retry ? e : retryable;
            } catch (RuntimeException e) {
                reports.add(failure(entry, "FAILED", e.toString()));
                retryable = e;
            }
        }
        reports.forEach(r -> LOG.log(r.result().equals("FAILED") ? Level.WARNING : Level.INFO,
                () -> "S3 record " + r.index() + (r.key() == null ? "" : " " + r.bucket() + "/" + r.key())
                        + ": " + r.result() + (r.reason() == null ? "" : ": " + r.reason())));
        Report report = new Report(false, reports);
        if (retryable != null) {
            throw new RetryableFailure(report, retryable);
        }
        return report;
    }

    private RecordReport handleOne(S3Notification.Entry entry) {
        return switch (entry) {
            case S3Notification.Malformed bad -> new RecordReport(bad.index(), null, null, "SKIPPED", null, null, bad.reason());
            case S3Notification.ObjectEvent event when !event.isObjectCreated() -> new RecordReport(event.index(),
                    event.upload().store(), event.upload().objectName(), "SKIPPED", null, null,
                    "expected an ObjectCreated event, found " + event.eventName());
            case S3Notification.ObjectEvent event -> {
                BlobUploads.Outcome outcome = uploads.received(EventSource.S3, event.principal(), event.upload());
                yield new RecordReport(event.index(), event.upload().store(), event.upload().objectName(),
                        outcome.result().name(), outcome.model(), outcome.version(), outcome.reason());
            }
        };
    }

    private static RecordReport failure(S3Notification.Entry entry, String result, String reason) {
        return entry instanceof S3Notification.ObjectEvent event
                ? new RecordReport(event.index(), event.upload().store(), event.upload().objectName(), result, null, null, reason)
                : new RecordReport(entry.index(), null, null, result, null, null, reason);
    }
}
