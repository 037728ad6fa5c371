package dev.verge.cloud.retention;

import dev.verge.cloud.analytics.RollupStore;
import dev.verge.cloud.port.ExpiringDocuments;
import dev.verge.cloud.port.MetadataStore;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * What keeps the store from growing for ever, run by a timer (the local cloud's scheduler, an Azure timer
 * function, a scheduled Lambda; hourly is plenty): deletes expired documents where the store does not do it
 * itself ({@link ExpiringDocuments}: SQLite, Azure Table; DynamoDB's TTL does), and compacts group rollups
 * older than {@link RetentionConfig#hourlyRollups()} from hourly to daily documents, a few days per run.
 */
public final class Housekeeping {
    private static final System.Logger LOG = System.getLogger(Housekeeping.class.getName());
    /** Days compacted per run at most: a first run on a year of data catches up over a few hours, in short runs. */
    static final int DAYS_PER_RUN = 7;

    /** What one run did. */
    public record Result(int expiredDeleted, int daysCompacted, int hourlyRollupsCompacted) {}

    private final MetadataStore metadata;
    private final RollupStore rollups;
    private final RetentionConfig config;
    private final Clock clock;

    public Housekeeping(MetadataStore metadata, RollupStore rollups, RetentionConfig config, Clock clock) {
        this.metadata = metadata;
        this.rollups = rollups;
        this.config = config;
        this.clock = clock;
    }

    public Result run() {
        Instant now = clock.instant();
        int expired = metadata instanceof ExpiringDocuments store ? store.deleteExpired(now) : 0;
        Instant compactBefore = now.minus(config.hourlyRollups()).truncatedTo(ChronoUnit.DAYS);
        int days = 0;
        int hourly = 0;
        for (Optional<Instant> day = rollups.oldestHourlyDay(); day.isPresent() && day.get().isBefore(compactBefore)
                && days < DAYS_PER_RUN; day = rollups.oldestHourlyDay()) {
            hourly += rollups.compactDay(day.get());
            days++;
        }
        Result result = new Result(expired, days, hourly);
        if (expired > 0 || days > 0) {
            LOG.log(Level.INFO, () -> "housekeeping: " + result.expiredDeleted() + " expired document(s) deleted, " + result.daysCompacted()
                    + " day(s) of group rollups compacted from " + result.hourlyRollupsCompacted() + " hourly document(s)");
        }
        return result;
    }

    /** How often the timers run it. */
    public static Duration every() {
        return Duration.ofHours(1);
    }
}
