package dev.verge.cloud.registry;

/**
 * What a blob-created event led to. Cloud handlers log it and return; only failures worth a retry
 * (the stores being down) are thrown instead.
 *
 * @param version the version concerned, when the package named one that is recorded; else null
 * @param reason  why it was ignored or rejected; null otherwise
 */
public record UploadOutcome(Result result, ModelVersion version, String reason) {

    public enum Result {
        /** A new version was registered from the object. */
        REGISTERED,
        /** The object is a version already registered (a redelivered event, or our own copy of it). */
        ALREADY_REGISTERED,
        /** The object is a package that failed validation, or conflicts with a registered version. */
        REJECTED,
        /** The object is not a package (not under models/, not a .zip, empty). */
        IGNORED
    }

    static UploadOutcome ignored(String reason) {
        return new UploadOutcome(Result.IGNORED, null, reason);
    }
}
