package dev.verge.cloud.analytics;

import dev.verge.cloud.port.StoreKeys;
import dev.verge.cloud.port.ConditionalWrite;
import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.JsonCollection.Revisioned;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The rollups in the metadata store: collection {@value #GROUP_ROLLUPS} (model version x group x hour)
 * and {@value #DEVICE_ROLLUPS} (device x hour x model version). Adding to a rollup is a read, a merge
 * and a conditional write, retried with jittered backoff when another ingest wrote first, so
 * concurrent ingests never lose a count.
 */
public final class RollupStore {
    public static final String GROUP_ROLLUPS = "rollups-group";
    public static final String DEVICE_ROLLUPS = "rollups-device";
    /**
     * Which group rollups each hour has, keyed {@code <hour>/<model>/<version>/<group>}: written once per group
     * rollup document, when it is created, so that compaction lists one day's rollups without reading any other.
     */
    static final String HOURS = "rollup-hours";
    /** Which compacted days each group has, keyed as {@value #HOURS} by the day's first hour. */
    static final String DAYS = "rollup-days";
    /** Marks a compacted day in its key, so a day is compacted once even when its hourly documents outlive a crash. */
    private static final String DAY_SUFFIX = "/day";
    private static final long HOURLY_LISTING_UP_TO = 72;

    private final JsonCollection<Rollup> groupRollups;
    private final JsonCollection<Rollup> deviceRollups;
    private final JsonCollection<RollupHour> hours;
    private final JsonCollection<IndexStart> indexStart;
    private final JsonCollection<RollupHour> days;
    /** The first hour the index is complete for, once known; null before. */
    private volatile Instant indexedFrom;

    /** Since when {@value #HOURS} names every group rollup: stores older than the index hold rollups it does not name. */
    record IndexStart(String name, Instant from) {
        static final String COLLECTION = "store-migrations";
        static final String KEY = "rollup-hours-v1";
    }

    /** An entry of {@value #HOURS}: a group rollup exists for this model version, group and hour. */
    record RollupHour(String model, String version, String group, Instant hour) {
        String key() {
            return hour + "/" + RollupKey.group(model, version, group, hour).id();
        }
    }
    private final ConditionalWrite<Rollup> groupWrites;
    private final ConditionalWrite<Rollup> deviceWrites;

    /** @param keepDeviceRollups how long a device's hour is kept after it ended */
    public RollupStore(MetadataStore metadata, Duration keepDeviceRollups) {
        this.groupRollups = new JsonCollection<>(metadata, GROUP_ROLLUPS, Rollup.class);
        this.deviceRollups = new JsonCollection<>(metadata, DEVICE_ROLLUPS, Rollup.class,
                r -> r.hour().plus(Duration.ofHours(1)).plus(keepDeviceRollups));
        // kept well past the day's compaction, which is what reads them
        this.hours = new JsonCollection<>(metadata, HOURS, RollupHour.class, h -> h.hour().plus(Duration.ofDays(400)));
        this.indexStart = new JsonCollection<>(metadata, IndexStart.COLLECTION, IndexStart.class);
        this.days = new JsonCollection<>(metadata, DAYS, RollupHour.class);
        this.groupWrites = new ConditionalWrite<>(groupRollups);
        this.deviceWrites = new ConditionalWrite<>(deviceRollups);
    }

    /** Merges {@code delta} into the rollup {@code key}, creating it when it is the first. */
    public void add(RollupKey key, Aggregate delta) {
        boolean group = key.scope() == RollupKey.Scope.GROUP;
        if (group) {
            markIndexStart(key.hour());
        }
        ConditionalWrite.Written<Rollup> written = (group ? groupWrites : deviceWrites).upsert(key.id(),
                current -> Rollup.of(key, current.map(r -> r.aggregate().merge(delta)).orElse(delta)),
                failure -> new VergeException(ErrorKind.NOT_READY, "rollup_contended", "expected to update rollup " + key.id()
                        + ", found it changed by another writer every time; send the batch again"));
        if (group && written.before().isEmpty()) {
            RollupHour hour = new RollupHour(key.model(), key.version(), key.group(), key.hour());
            hours.create(hour.key(), hour);
        }
    }

    /** Group rollups of one model (every model when null), and of one version of it when given. */
    public List<Rollup> groupRollups(String model, String version) {
        String prefix = model == null ? "" : version == null ? model + "/" : model + "/" + version + "/";
        return groupRollups.list(prefix).stream().map(Revisioned::value).toList();
    }

    /**
     * Group rollups of one model version in the hours [{@code from}, {@code to}): a listing per hour for
     * short ranges (drift windows, the dashboard's day), so the cost does not grow with the version's age.
     */
    public List<Rollup> groupRollups(String model, String version, Instant from, Instant to) {
        Instant start = from.truncatedTo(ChronoUnit.HOURS);
        if (Duration.between(start, to).toHours() > HOURLY_LISTING_UP_TO) {
            return groupRollups(model, version).stream()
                    .filter(r -> !r.hour().isBefore(start) && r.hour().isBefore(to))
                    .toList();
        }
        List<Rollup> out = new ArrayList<>();
        for (Instant hour = start; hour.isBefore(to); hour = hour.plus(Duration.ofHours(1))) {
            groupRollups.list(model + "/" + version + "/" + hour + "/").forEach(r -> out.add(r.value()));
        }
        return out;
    }

    /**
     * Compacts the group rollups of the UTC day starting at {@code day} into one document per model version and
     * group ({@code hours} 24, at the day's first hour), and deletes the hourly ones. Answers how many hourly
     * documents went. A day compacted before (its daily document exists) only loses hourly documents left over.
     */
    public int compactDay(Instant day) {
        Instant start = day.truncatedTo(ChronoUnit.DAYS);
        String dayPrefix = start.toString().substring(0, 11); // 2026-11-01T
        java.util.Map<String, List<RollupHour>> byGroup = new java.util.TreeMap<>();
        for (Revisioned<RollupHour> h : hours.list(dayPrefix)) {
            RollupHour v = h.value();
            byGroup.computeIfAbsent(RollupKey.group(v.model(), v.version(), v.group(), start).id(), k -> new ArrayList<>()).add(v);
        }
        int deleted = 0;
        for (var entry : byGroup.entrySet()) {
            RollupHour any = entry.getValue().get(0);
            List<Revisioned<Rollup>> hourly = new ArrayList<>();
            entry.getValue().forEach(h -> hourly.addAll(hourlyShards(h)));
            Aggregate whole = new Aggregate();
            hourly.forEach(r -> whole.merge(r.value().aggregate()));
            // written before the hourly documents go; when it exists already, an earlier run counted them
            groupRollups.create(entry.getKey() + DAY_SUFFIX, new Rollup(any.model(), any.version(), any.group(), null, start, 0, 24,
                    whole.toDoc()));
            RollupHour compacted = new RollupHour(any.model(), any.version(), any.group(), start);
            days.create(compacted.key(), compacted);
            for (Revisioned<Rollup> r : hourly) {
                if (groupRollups.delete(r.key())) {
                    deleted++;
                }
            }
        }
        hours.list(dayPrefix).forEach(h -> hours.delete(h.key()));
        return deleted;
    }

    /**
     * The hourly documents (every shard) of one group's hour: its own key and the keys below it, of this group only
     * (a listing of {@code .../line} also finds {@code .../line-2}), not the day's compacted document.
     */
    private List<Revisioned<Rollup>> hourlyShards(RollupHour h) {
        return groupRollups.list(RollupKey.group(h.model(), h.version(), h.group(), h.hour()).id()).stream()
                .filter(r -> !r.key().endsWith(DAY_SUFFIX) && r.value().hours() == 1
                        && java.util.Objects.equals(r.value().group(), h.group()) && r.value().hour().equals(h.hour()))
                .toList();
    }

    /** The first UTC day that has hourly group rollups, if any. */
    public java.util.Optional<Instant> oldestHourlyDay() {
        return hours.page("", null, 1).records().stream().findFirst()
                .map(h -> h.value().hour().truncatedTo(ChronoUnit.DAYS));
    }

    /**
     * The index covers every hour in a store that had no group rollup before it; in an older store it starts with
     * the hour after the first rollup this code creates (an older writer may still create one in the hour it was
     * deployed). The first writer's mark stands.
     */
    private void markIndexStart(Instant hour) {
        if (indexedFrom == null) {
            Instant from = indexStart.get(IndexStart.KEY).map(s -> s.value().from()).orElse(null);
            if (from == null) {
                from = groupRollups.page("", null, 1).records().isEmpty() ? Instant.EPOCH : hour.plus(Duration.ofHours(1));
                if (!indexStart.create(IndexStart.KEY, new IndexStart(IndexStart.KEY, from))) {
                    from = indexStart.get(IndexStart.KEY).map(s -> s.value().from()).orElse(from);
                }
            }
            indexedFrom = from;
        }
    }

    private Instant indexedFrom() {
        if (indexedFrom == null) {
            indexStart.get(IndexStart.KEY).ifPresent(s -> indexedFrom = s.value().from());
        }
        return indexedFrom;
    }

    /**
     * Group rollups of the hours [{@code from}, {@code to}) of every model version ({@code model} null) or of one
     * model: for short ranges through the hours' index (one listing per hour, then the rollups the hour has), so
     * the cost follows the range, not everything stored; for ranges over {@value #HOURLY_LISTING_UP_TO} hours (and
     * days already compacted, which the index no longer names) a listing of the whole scope.
     */
    public List<Rollup> groupRollupsInHours(String model, Instant from, Instant to) {
        Instant start = from.truncatedTo(ChronoUnit.HOURS);
        Instant indexed = indexedFrom();
        if (Duration.between(start, to).toHours() > HOURLY_LISTING_UP_TO || indexed == null || start.isBefore(indexed)) {
            return groupRollups(model, null).stream().filter(r -> !r.hour().isBefore(start) && r.hour().isBefore(to)).toList();
        }
        List<Rollup> out = new ArrayList<>();
        for (Instant day = start.truncatedTo(ChronoUnit.DAYS); day.isBefore(to); day = day.plus(Duration.ofDays(1))) {
            if (!day.isBefore(start)) {
                for (Revisioned<RollupHour> d : days.list(day + "/" + (model == null ? "" : model + "/"))) {
                    RollupHour v = d.value();
                    groupRollups.get(RollupKey.group(v.model(), v.version(), v.group(), v.hour()).id() + DAY_SUFFIX)
                            .ifPresent(r -> out.add(r.value()));
                }
            }
        }
        for (Instant hour = start; hour.isBefore(to); hour = hour.plus(Duration.ofHours(1))) {
            String prefix = hour + "/" + (model == null ? "" : model + "/");
            for (Revisioned<RollupHour> h : hours.list(prefix)) {
                hourlyShards(h.value()).forEach(r -> out.add(r.value()));
            }
        }
        return out;
    }

    /** Rollups of one device, across model versions. */
    public List<Rollup> deviceRollups(String deviceId) {
        return deviceRollups.list(StoreKeys.segment(deviceId) + "/").stream().map(Revisioned::value).toList();
    }
}
