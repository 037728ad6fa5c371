package dev.verge.cloud.port;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Object storage (S3, Azure Blob, a local folder). Keys are '/'-separated paths such as
 * {@code models/fruit-quality/3/package.zip}. Objects are streamed, never loaded whole.
 */
public interface BlobStore {

    /** Writes the object, replacing any existing one; {@code length} is -1 when unknown. */
    BlobInfo put(String key, InputStream data, long length, String contentType);

    /** Streams the object; the caller closes the stream. Empty when there is no such key. */
    Optional<InputStream> get(String key);

    /** Size, ETag and time of the object, without reading it. */
    Optional<BlobInfo> head(String key);

    /** Every object whose key starts with {@code prefix}, in key order. */
    List<BlobInfo> list(String prefix);

    /** Deletes the object; returns false when there was none. */
    boolean delete(String key);

    /** A URL a device can download the object from without other credentials, valid for {@code ttlSeconds}. */
    String downloadUrl(String key, long ttlSeconds);
}
