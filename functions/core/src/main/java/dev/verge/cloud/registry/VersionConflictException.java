package dev.verge.cloud.registry;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;

/** 409 {@code version_conflict}: different bytes uploaded under a name and version that already exist. */
public final class VersionConflictException extends VergeException {
    private final String existingSha256;
    private final String uploadedSha256;

    public VersionConflictException(String name, String version, VersionStatus status, String existingSha256, String uploadedSha256) {
        super(ErrorKind.CONFLICT, "version_conflict",
                name + "/" + version + " is already " + status.json() + " with package sha256 " + existingSha256
                        + ", the upload has sha256 " + uploadedSha256
                        + "; versions are immutable: change \"version\" in manifest.json to register these bytes");
        this.existingSha256 = existingSha256;
        this.uploadedSha256 = uploadedSha256;
    }

    public String existingSha256() {
        return existingSha256;
    }

    public String uploadedSha256() {
        return uploadedSha256;
    }
}
