package dev.verge.cloud.port;

import java.time.Instant;

/** What a blob store knows of an object without reading it. {@code etag} is unquoted. */
public record BlobInfo(String key, long size, String etag, Instant lastModified) {}
