package dev.verge.cloud.azure.storage;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.w3c.dom.Element;

/**
 * Fetches and caches user delegation keys for a store that runs on a managed identity. A key is asked
 * for one day at a time (at most seven, the service's limit), and fetched again when a SAS would outlive it.
 */
final class UserDelegationKeys {

    private static final Duration MAX_KEY_LIFETIME = Duration.ofDays(7);

    private final StorageClient client;
    private final URI blobEndpoint;
    private UserDelegationKey cached;

    UserDelegationKeys(StorageClient client, URI blobEndpoint) {
        this.client = client;
        this.blobEndpoint = blobEndpoint;
    }

    synchronized UserDelegationKey keyValidUntil(Instant sasExpiry) {
        Instant now = Instant.now();
        Instant limit = now.plus(MAX_KEY_LIFETIME).minusSeconds(60);
        Instant wanted = sasExpiry.isAfter(limit) ? limit : sasExpiry;
        if (cached == null || cached.expiry().isBefore(wanted)) {
            Instant keyExpiry = now.plus(Duration.ofDays(1));
            cached = fetch(now.minusSeconds(300), keyExpiry.isAfter(wanted) ? keyExpiry : wanted);
        }
        return cached;
    }

    private UserDelegationKey fetch(Instant start, Instant expiry) {
        String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><KeyInfo><Start>" + BlobSas.iso(start) + "</Start><Expiry>"
                + BlobSas.iso(expiry) + "</Expiry></KeyInfo>";
        StorageRequest request = StorageRequest.of("POST", URI.create(blobEndpoint + "/?restype=service&comp=userdelegationkey"))
                .body(xml.getBytes(StandardCharsets.UTF_8), "application/xml");
        HttpResponse<byte[]> response = client.send(request);
        if (response.statusCode() != 200) {
            throw client.failure(request, response);
        }
        Element key = BlobListing.XmlDocs.parse(response.body()).getDocumentElement();
        return new UserDelegationKey(
                BlobListing.XmlDocs.text(key, "SignedOid", ""),
                BlobListing.XmlDocs.text(key, "SignedTid", ""),
                BlobListing.XmlDocs.text(key, "SignedStart", ""),
                BlobListing.XmlDocs.text(key, "SignedExpiry", ""),
                BlobListing.XmlDocs.text(key, "SignedService", "b"),
                BlobListing.XmlDocs.text(key, "SignedVersion", ""),
                new SharedKeyCredential(client.accountName(), BlobListing.XmlDocs.text(key, "Value", "")));
    }
}
