package dev.verge.cloud.azure.storage;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;

/**
 * Azure Storage answered something this adapter did not expect (auth failure, throttling, outage).
 * Not the caller's fault: it maps to 502, and carries Azure's status and error code for the logs.
 */
public class AzureStorageException extends VergeException {

    private final int status;
    private final String errorCode;

    public AzureStorageException(int status, String errorCode, String message) {
        super(ErrorKind.UPSTREAM_FAILED, "storage_failed", message);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** Azure's HTTP status. */
    public int status() {
        return status;
    }

    /** Azure's {@code x-ms-error-code}, for example {@code AuthenticationFailed}; may be null. */
    public String errorCode() {
        return errorCode;
    }
}
