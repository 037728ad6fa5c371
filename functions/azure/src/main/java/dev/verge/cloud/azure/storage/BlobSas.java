package dev.verge.cloud.azure.storage;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Read-only shared access signatures for one blob (signed version {@value #VERSION}). */
final class BlobSas {

    static final String VERSION = "2023-11-03";

    private BlobSas() {}

    /** A service SAS signed with the account key: {@code sp=r}, expiring at {@code expiry}. */
    static String serviceSas(SharedKeyCredential key, String container, String blobName, Instant expiry) {
        String se = iso(expiry);
        String stringToSign = String.join("\n",
                "r", // signedPermissions
                "", // signedStart: valid from now
                se,
                canonicalName(key.accountName(), container, blobName),
                "", // signedIdentifier
                "", // signedIP
                "", // signedProtocol
                VERSION,
                "b", // signedResource: blob
                "", // signedSnapshotTime
                "", // signedEncryptionScope
                "", "", "", "", ""); // rscc, rscd, rsce, rscl, rsct
        Map<String, String> query = new LinkedHashMap<>();
        query.put("sv", VERSION);
        query.put("sr", "b");
        query.put("sp", "r");
        query.put("se", se);
        query.put("sig", key.sign(stringToSign));
        return toQuery(query);
    }

    /** A user delegation SAS signed with a key obtained by a managed identity (no account key involved). */
    static String userDelegationSas(UserDelegationKey key, String account, String container, String blobName, Instant expiry) {
        String se = iso(expiry.isAfter(key.expiry()) ? key.expiry() : expiry);
        String stringToSign = String.join("\n",
                "r",
                "",
                se,
                canonicalName(account, container, blobName),
                key.objectId(),
                key.tenantId(),
                key.start(),
                key.expiryText(),
                key.service(),
                key.version(),
                "", // signedAuthorizedUserObjectId
                "", // signedUnauthorizedUserObjectId
                "", // signedCorrelationId
                "", // signedIP
                "", // signedProtocol
                VERSION,
                "b",
                "", // signedSnapshotTime
                "", // signedEncryptionScope
                "", "", "", "", "");
        Map<String, String> query = new LinkedHashMap<>();
        query.put("sv", VERSION);
        query.put("sr", "b");
        query.put("sp", "r");
        query.put("se", se);
        query.put("skoid", key.objectId());
        query.put("sktid", key.tenantId());
        query.put("skt", key.start());
        query.put("ske", key.expiryText());
        query.put("sks", key.service());
        query.put("skv", key.version());
        query.put("sig", key.sign(stringToSign));
        return toQuery(query);
    }

    /** {@code /blob/<account>/<container>/<blob name>}, the name not URL-encoded. */
    static String canonicalName(String account, String container, String blobName) {
        return "/blob/" + account + "/" + container + "/" + blobName;
    }

    static String iso(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String toQuery(Map<String, String> query) {
        return query.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
