package dev.verge.cloud.azure.storage;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.http.HttpHeaderName;
import com.azure.storage.blob.models.BlobStorageException;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;

/**
 * Azure Storage answered something this adapter did not expect (auth failure, throttling, outage).
 * Not the caller's fault: it maps to 502, and carries Azure's status and error code for the logs.
 */
public class AzureStorageException extends VergeException {

    private static final HttpHeaderName ERROR_CODE = HttpHeaderName.fromString("x-ms-error-code");

    private final int status;
    private final String errorCode;

    public AzureStorageException(int status, String errorCode, String message) {
        super(ErrorKind.UPSTREAM_FAILED, "storage_failed", message);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** What the SDK threw, with Azure's status and error code, or 502 when no answer came (network, identity). */
    static AzureStorageException from(String action, RuntimeException e) {
        if (e instanceof HttpResponseException http && http.getResponse() != null) {
            int status = http.getResponse().getStatusCode();
            String code = e instanceof BlobStorageException blob && blob.getErrorCode() != null
                    ? blob.getErrorCode().toString()
                    : http.getResponse().getHeaders().getValue(ERROR_CODE);
            return new AzureStorageException(status, code, "Azure Storage answered " + status + (code == null ? "" : " " + code)
                    + " to " + action);
        }
        if (e instanceof ClientAuthenticationException) {
            return new AzureStorageException(502, "IdentityUnavailable", action + " failed: the app's identity (managed"
                    + " identity, workload identity or a developer sign-in) gave no token for Azure Storage: " + e.getMessage());
        }
        return new AzureStorageException(502, null, action + " failed: could not talk to Azure Storage (" + e + ")");
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
