package dev.verge.cloud.azure.storage;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.models.UserDelegationKey;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Caches the user delegation key that signs download URLs when the store runs on an Entra identity. A key
 * is asked for one day at a time (at most seven, the service's limit), and again when a SAS would outlive it.
 */
final class UserDelegationKeys {

    private static final Duration MAX_KEY_LIFETIME = Duration.ofDays(7);

    private final BlobServiceClient service;
    private UserDelegationKey cached;

    UserDelegationKeys(BlobServiceClient service) {
        this.service = service;
    }

    synchronized UserDelegationKey keyValidUntil(OffsetDateTime sasExpiry) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime limit = now.plus(MAX_KEY_LIFETIME).minusMinutes(1);
        OffsetDateTime wanted = sasExpiry.isAfter(limit) ? limit : sasExpiry;
        if (cached == null || cached.getSignedExpiry().isBefore(wanted)) {
            OffsetDateTime oneDay = now.plusDays(1);
            // starts a little in the past: clocks differ
            cached = service.getUserDelegationKey(now.minusMinutes(5), oneDay.isAfter(wanted) ? oneDay : wanted);
        }
        return cached;
    }
}
