package dev.verge.cloud.registry;

/**
 * Where a package came from and who sent it, recorded with the version.
 *
 * @param kind  {@code api} (uploaded to the registry API), {@code blob} (dropped into the blob
 *              store), or {@code registry} (pushed by an external registry's webhook or event)
 * @param store the bucket, container or registry name; null for {@code api}
 * @param key   the object key or registry reference; null for {@code api}
 * @param etag  the object's ETag for {@code blob}; null otherwise
 * @param by    who: the API caller, the uploading principal, the registry user
 */
public record PackageSource(String kind, String store, String key, String etag, String by) {

    public static PackageSource api(String by) {
        return new PackageSource("api", null, null, null, by);
    }

    /** A package dropped into {@code bucket}; the key and ETag are filled in from the blob event. */
    public static PackageSource bucket(String bucket, String by) {
        return new PackageSource("blob", bucket, null, null, by);
    }

    public static PackageSource registry(String registry, String reference, String by) {
        return new PackageSource("registry", registry, reference, null, by);
    }

    PackageSource withObject(String objectKey, String objectEtag) {
        return new PackageSource(kind, store, objectKey, objectEtag, by);
    }
}
