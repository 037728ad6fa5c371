package dev.verge.cloud.azure.storage;

import java.time.Instant;

/** A key the Blob service hands to an Entra identity for signing user delegation SAS (Get User Delegation Key). */
record UserDelegationKey(String objectId, String tenantId, String start, String expiryText, String service,
        String version, SharedKeyCredential signer) {

    Instant expiry() {
        return Instant.parse(expiryText);
    }

    String sign(String stringToSign) {
        return signer.sign(stringToSign);
    }
}
