package dev.verge.cloud.rights;

import java.time.Instant;

/**
 * A model version the cloud named to a device in its desired state, collection {@value SentVersions#COLLECTION},
 * key {@code <device>/<model>/<version>}.
 *
 * @param deployedAt  when the deployment that brought the version to the device's group started: records
 *                    of the version from before it (less the clock skew) are refused
 * @param lastSentAt  the last desired state that named it (refreshed at most every {@link SentVersions#REFRESH})
 */
public record SentVersion(String deviceId, String model, String version, String deploymentId, Instant deployedAt,
                          Instant firstSentAt, Instant lastSentAt) {

    SentVersion sentAgain(Instant at) {
        return new SentVersion(deviceId, model, version, deploymentId, deployedAt, firstSentAt, at);
    }
}
