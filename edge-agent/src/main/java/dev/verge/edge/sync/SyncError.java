package dev.verge.edge.sync;

import java.time.Instant;

/**
 * The {@code lastError} of the status report.
 *
 * @param version the version it concerns; null when it is about the cloud rather than a package
 * @param code    stable code, e.g. {@code package_signature_invalid} or {@code cloud_unreachable}
 * @param message what was expected and what was found
 * @param at      when it happened (ISO-8601)
 */
public record SyncError(String version, String code, String message, String at) {

    static SyncError of(String version, String code, String message, Instant at) {
        return new SyncError(version, code, message, at.toString());
    }
}
