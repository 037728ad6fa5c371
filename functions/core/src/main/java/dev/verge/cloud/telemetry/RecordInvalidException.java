package dev.verge.cloud.telemetry;

/** One record of a telemetry batch the cloud cannot count; the batch goes on without it. */
final class RecordInvalidException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    RecordInvalidException(String field, String reason) {
        super(field + ": " + reason, null, false, false);
        this.field = field;
        this.reason = reason;
    }

    String field() {
        return field;
    }

    String reason() {
        return reason;
    }
}
