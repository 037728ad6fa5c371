package dev.verge.cloud.azure.storage;

import java.net.URI;
import java.util.Map;
import java.util.TreeMap;

/**
 * One request to a storage service before it is signed. Bodies are byte arrays (uploads are cut into
 * blocks), so a request can be signed again and resent.
 */
record StorageRequest(String method, URI uri, Map<String, String> headers, byte[] body, boolean retryable) {

    StorageRequest {
        Map<String, String> sorted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        sorted.putAll(headers);
        headers = sorted;
        body = body == null ? new byte[0] : body;
    }

    static StorageRequest of(String method, URI uri) {
        return new StorageRequest(method, uri, Map.of(), null, method.equals("GET") || method.equals("HEAD"));
    }

    StorageRequest header(String name, String value) {
        Map<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        copy.put(name, value);
        return new StorageRequest(method, uri, copy, body, retryable);
    }

    StorageRequest body(byte[] bytes, String contentType) {
        return new StorageRequest(method, uri, headers, bytes, retryable).header("Content-Type", contentType);
    }

    /** Safe to send twice (reads, and writes whose repetition changes nothing, such as Put Block). */
    StorageRequest asRetryable() {
        return new StorageRequest(method, uri, headers, body, true);
    }
}
