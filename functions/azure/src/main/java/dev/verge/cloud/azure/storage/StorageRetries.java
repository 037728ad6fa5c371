package dev.verge.cloud.azure.storage;

import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import java.time.Duration;

/** How the SDK retries storage requests: up to three more tries, exponential backoff from 0.5 s to at most 8 s. */
final class StorageRetries {

    private static final int RETRIES = 3;
    private static final Duration BASE_DELAY = Duration.ofMillis(500);
    private static final Duration MAX_DELAY = Duration.ofSeconds(8);

    /**
     * Blobs: azure-storage-common's {@code RequestRetryPolicy}, on 429, 500 and 503 answers, broken connections
     * and tries that take over a minute (a 4 MiB block or download chunk per try).
     */
    static final RequestRetryOptions BLOBS =
            new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, RETRIES + 1, Duration.ofSeconds(60), BASE_DELAY, MAX_DELAY, null);

    /**
     * Tables: azure-core's {@code RetryPolicy}, with jitter, on 408, 429 and 5xx answers (but 501 and 505) and
     * broken connections, waiting at least what {@code Retry-After} or {@code x-ms-retry-after-ms} ask.
     */
    static final RetryOptions TABLES = new RetryOptions(new ExponentialBackoffOptions()
            .setMaxRetries(RETRIES)
            .setBaseDelay(BASE_DELAY)
            .setMaxDelay(MAX_DELAY));

    private StorageRetries() {}
}
