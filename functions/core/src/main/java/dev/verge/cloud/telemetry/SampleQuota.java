package dev.verge.cloud.telemetry;

import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.ConditionalWrite;
import dev.verge.cloud.port.JsonCollection.Revisioned;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * How many samples (and bytes) each device uploaded per UTC day, collection {@value #COLLECTION}, key
 * {@code <device>/<yyyy-mm-dd>}: an upload past either quota is refused with 429 {@code sample_quota_exceeded}
 * and counted in {@code refused}. A sample is counted before it is written, so an upload that fails
 * afterwards still uses its part of the quota.
 */
public final class SampleQuota {
    static final String COLLECTION = "sample-quotas";
    private static final System.Logger LOG = System.getLogger(SampleQuota.class.getName());

    /** One device's uploads of one UTC day ({@code yyyy-mm-dd}). */
    public record Day(String deviceId, String day, int count, long bytes, long refused) {}

    private final JsonCollection<Day> days;
    private final ConditionalWrite<Day> writes;
    private final int maxCount;
    private final long maxBytes;

    SampleQuota(MetadataStore metadata, int maxCount, long maxBytes) {
        // a day's count matters until the day is over; kept one more for the dashboard's refused figure
        this.days = new JsonCollection<>(metadata, COLLECTION, Day.class,
                d -> java.time.LocalDate.parse(d.day()).plusDays(2).atStartOfDay(ZoneOffset.UTC).toInstant());
        this.writes = new ConditionalWrite<>(days);
        this.maxCount = maxCount;
        this.maxBytes = maxBytes;
    }

    /** Takes one sample of {@code size} bytes from the device's quota of today, or refuses it. */
    void take(String deviceId, long size, Instant now) {
        String day = now.atZone(ZoneOffset.UTC).toLocalDate().toString();
        String key = deviceId + "/" + day;
        Day none = new Day(deviceId, day, 0, 0, 0);
        ConditionalWrite.Written<Day> taken = writes.upsert(key, current -> {
            Day used = current.orElse(none);
            return over(used, size) ? new Day(deviceId, day, used.count(), used.bytes(), used.refused() + 1)
                    : new Day(deviceId, day, used.count() + 1, used.bytes() + size, used.refused());
        }, failure -> new VergeException(ErrorKind.NOT_READY, "sample_quota_contended",
                "the sample quota of " + deviceId + " changed on every attempt; send the sample again"));
        Day used = taken.before().orElse(none);
        if (over(used, size)) {
            String reason = "device " + deviceId + " uploaded " + used.count() + " samples (" + used.bytes() + " bytes) on "
                    + day + "; its quota is " + maxCount + " samples and " + maxBytes + " bytes per UTC day";
            LOG.log(Level.WARNING, "sample refused: " + reason);
            throw new VergeException(ErrorKind.TOO_MANY_REQUESTS, "sample_quota_exceeded", reason + "; send more tomorrow");
        }
    }

    private boolean over(Day used, long size) {
        return used.count() + 1 > maxCount || used.bytes() + size > maxBytes;
    }
}
