package dev.verge.cloud.registry;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;

/**
 * 409: the version exists but cannot be promoted, deployed or downloaded: {@code version_rejected}
 * (it failed validation) or {@code version_not_ready} (its registration is still storing it).
 */
public final class VersionNotDeployableException extends VergeException {

    VersionNotDeployableException(VersionRecord record, String action) {
        super(ErrorKind.CONFLICT, record.status() == VersionStatus.REJECTED ? "version_rejected" : "version_not_ready",
                record.status() == VersionStatus.REJECTED
                        ? "cannot " + action + " " + record.key() + ": it was rejected (" + summary(record)
                                + "); fix the package and upload it again"
                        : "cannot " + action + " " + record.key() + " yet: its registration is still in progress; retry shortly");
    }

    private static String summary(VersionRecord record) {
        return record.reasons().stream().map(r -> r.code() + ": " + r.message()).reduce((a, b) -> a + "; " + b).orElse("no reason recorded");
    }
}
