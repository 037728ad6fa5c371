package dev.verge.cloud.analytics;

import dev.verge.cloud.registry.ModelNames;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/analytics}: totals, error rate, latency percentiles, label mix, confidence
 * histogram, an hourly series and drift, merged from rollups (never from raw records, which are not
 * kept). A device filter reads the device rollups, anything else the group rollups.
 */
public final class Analytics {
    /** The longest range one query may cover. */
    static final Duration MAX_RANGE = Duration.ofDays(93);
    static final Duration DEFAULT_RANGE = Duration.ofHours(24);

    private final RollupStore rollups;
    private final DriftSource drift;
    private final Clock clock;

    public Analytics(RollupStore rollups, DriftSource drift, Clock clock) {
        this.rollups = rollups;
        this.drift = drift;
        this.clock = clock;
    }

    /** The query with its time range completed: up to the end of the current hour, 24 hours back by default. */
    public AnalyticsQuery complete(String model, String version, String group, String device, Instant from, Instant to) {
        Instant end = (to != null ? to : clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1)));
        Instant start = (from != null ? from : end.minus(DEFAULT_RANGE)).truncatedTo(ChronoUnit.HOURS);
        if (!start.isBefore(end)) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "range_invalid",
                    "expected from before to, found from=" + start + " and to=" + end);
        }
        if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "range_invalid",
                    "expected a range of at most " + MAX_RANGE.toDays() + " days, found " + Duration.between(start, end).toDays());
        }
        return new AnalyticsQuery(blankToNull(model), blankToNull(version), blankToNull(group), blankToNull(device), start, end);
    }

    public AnalyticsReport query(AnalyticsQuery q) {
        boolean byDevice = q.device() != null;
        List<Rollup> candidates = byDevice ? rollups.deviceRollups(q.device())
                : q.model() != null && q.version() != null ? rollups.groupRollups(q.model(), q.version(), q.from(), q.to())
                : q.version() == null ? rollups.groupRollupsInHours(q.model(), q.from(), q.to())
                : rollups.groupRollups(q.model(), q.version());
        List<Rollup> matching = candidates.stream()
                .filter(r -> !r.hour().isBefore(q.from()) && r.hour().isBefore(q.to()))
                .filter(r -> q.model() == null || q.model().equals(r.model()))
                .filter(r -> q.version() == null || q.version().equals(r.version()))
                .filter(r -> q.group() == null || q.group().equals(r.group()))
                .toList();
        Aggregate total = new Aggregate();
        TreeMap<Instant, Aggregate> byHour = new TreeMap<>();
        TreeMap<String, Aggregate> byVersion = new TreeMap<>();
        Aggregate noModel = new Aggregate();
        for (Rollup r : matching) {
            Aggregate a = r.aggregate();
            total.merge(a);
            byHour.computeIfAbsent(r.hour(), h -> new Aggregate()).merge(a);
            if (r.model() == null) {
                noModel.merge(a);
            } else {
                byVersion.computeIfAbsent(r.model() + "\n" + r.version(), k -> new Aggregate()).merge(a);
            }
        }
        List<AnalyticsReport.Point> series = new ArrayList<>();
        for (Instant h = q.from(); h.isBefore(q.to()); h = h.plus(Duration.ofHours(1))) {
            Aggregate a = byHour.getOrDefault(h, new Aggregate());
            series.add(new AnalyticsReport.Point(h, a.requests(), a.errors(), a.clientErrors(), a.rejected(), a.errorRate(),
                    AnalyticsReport.Percentiles.latency(a)));
        }
        List<AnalyticsReport.VersionSummary> versions = new ArrayList<>();
        List<DriftReading> drifts = new ArrayList<>();
        for (Map.Entry<String, Aggregate> e : byVersion.entrySet()) {
            String[] mv = e.getKey().split("\n", 2);
            Aggregate a = e.getValue();
            versions.add(new AnalyticsReport.VersionSummary(mv[0], mv[1], a.requests(), a.errors(), a.errorRate(),
                    AnalyticsReport.Percentiles.latency(a)));
            if (ModelNames.isValidName(mv[0]) && ModelNames.isValidVersion(mv[1])) {
                // an agent may serve a mounted package whose version is longer than the registry's rule: no drift for it
                drifts.add(drift.drift(mv[0], mv[1]));
            }
        }
        if (versions.isEmpty() && q.model() != null && q.version() != null) {
            drifts.add(drift.drift(q.model(), q.version()));
        }
        return new AnalyticsReport(q, byDevice ? "device" : "group", matching.size(), AnalyticsReport.Summary.of(total), series,
                versions, AnalyticsReport.NoModel.of(noModel), drifts);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
