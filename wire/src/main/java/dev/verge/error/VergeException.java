package dev.verge.error;

/**
 * Base of every error Verge reports to a caller. {@code code} is a stable machine-readable token
 * (for example {@code image_too_large}); the message says what was expected and what was found.
 */
public class VergeException extends RuntimeException {
    private final ErrorKind kind;
    private final String code;

    public VergeException(ErrorKind kind, String code, String message) {
        super(message);
        this.kind = kind;
        this.code = code;
    }

    public VergeException(ErrorKind kind, String code, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.code = code;
    }

    public ErrorKind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public ErrorBody body() {
        return new ErrorBody(code, getMessage());
    }
}
