package dev.verge.cloud.analytics;

import dev.verge.cloud.port.ConditionalWrite;
import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.JsonCollection.Revisioned;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.registry.ModelNames;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Drift per model version, from the group rollups: the baseline is the version's first N hours of
 * data (frozen once those hours are over) or a reference uploaded for it, and the drift is the PSI of
 * the last hours' label mix and confidence histogram against it. When the PSI crosses the threshold
 * (or falls back under it) one {@link DriftAlert} is stored: the crossing is recorded with a
 * conditional write on the version's state, so concurrent checks store it once.
 */
public final class DriftMonitor implements DriftSource {
    public static final String BASELINES = "drift-baselines";
    public static final String STATES = "drift-states";
    public static final String ALERTS = "drift-alerts";
    public static final String RESETS = "drift-baseline-resets";
    /** After an ingest, a version is checked again only when its last check is older than this. */
    static final Duration CHECK_EVERY = Duration.ofMinutes(1);

    /** The last check of a model version, and whether it was alerting. */
    public record DriftState(String model, String version, boolean alerting, Double psi, Instant checkedAt, Instant since) {}

    /** An operator's reset of a version's baseline: the next one is made from data of the hours after {@code from}. */
    public record BaselineReset(String model, String version, Instant at, Instant from, String by) {}

    private final RollupStore rollups;
    private final JsonCollection<Baseline> baselines;
    private final JsonCollection<DriftState> states;
    private final JsonCollection<DriftAlert> alerts;
    private final JsonCollection<BaselineReset> resets;
    private final java.util.Map<String, Instant> lastChecked = new java.util.concurrent.ConcurrentHashMap<>();
    private final ConditionalWrite<DriftState> stateWrites;
    private final ConditionalWrite<Baseline> baselineWrites;
    private final ConditionalWrite<BaselineReset> resetWrites;
    private final Clock clock;
    private final AnalyticsConfig config;
    private final DeploymentStarts starts;

    /** @param starts when each version was first deployed: a first-hours baseline is made of group data after it */
    public DriftMonitor(MetadataStore metadata, RollupStore rollups, Clock clock, AnalyticsConfig config, DeploymentStarts starts) {
        this.starts = starts;
        this.resets = new JsonCollection<>(metadata, RESETS, BaselineReset.class);
        this.rollups = rollups;
        this.baselines = new JsonCollection<>(metadata, BASELINES, Baseline.class);
        this.states = new JsonCollection<>(metadata, STATES, DriftState.class);
        this.alerts = new JsonCollection<>(metadata, ALERTS, DriftAlert.class);
        this.stateWrites = new ConditionalWrite<>(states);
        this.baselineWrites = new ConditionalWrite<>(baselines);
        this.resetWrites = new ConditionalWrite<>(resets);
        this.clock = clock;
        this.config = config;
    }

    @Override
    public DriftReading drift(String model, String version) {
        ModelNames.checkName(model);
        ModelNames.checkVersion(version);
        Instant now = clock.instant();
        Instant windowTo = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        Instant windowFrom = windowTo.minus(Duration.ofHours(config.driftWindowHours()));
        Optional<Baseline> baseline = baseline(model, version, now);
        if (baseline.isEmpty()) {
            boolean none = rollups.groupRollups(model, version).isEmpty();
            return reading(model, version, none ? DriftReading.NO_DATA : DriftReading.BASELINE_PENDING,
                    null, null, null, windowFrom, windowTo, 0);
        }
        Baseline base = baseline.get();
        if (base.to() != null && base.to().isAfter(windowFrom)) {
            windowFrom = base.to();
        }
        Aggregate recent = new Aggregate();
        if (windowFrom.isBefore(windowTo)) {
            rollups.groupRollups(model, version, windowFrom, windowTo).forEach(r -> recent.merge(r.aggregate()));
        }
        long recentCount = Math.max(recent.labels().values().stream().mapToLong(Long::longValue).sum(),
                java.util.Arrays.stream(recent.confidence()).sum());
        if (recentCount == 0 || recentCount < config.driftMinCount()) {
            return record(reading(model, version, DriftReading.INSUFFICIENT_DATA, null, null, null, windowFrom, windowTo,
                    recentCount), base, now);
        }
        Double labelPsi = base.labels() == null ? null : Psi.of(base.labels(), recent.labels());
        double[] observed = java.util.Arrays.stream(recent.confidence()).asDoubleStream().toArray();
        Double confidencePsi = Psi.of(base.confidenceArray(), observed);
        Double psi = labelPsi == null ? confidencePsi : confidencePsi == null ? labelPsi : Math.max(labelPsi, confidencePsi);
        String status = psi == null ? DriftReading.INSUFFICIENT_DATA
                : psi >= config.driftThreshold() ? DriftReading.DRIFTING : DriftReading.OK;
        return record(reading(model, version, status, psi, labelPsi, confidencePsi, windowFrom, windowTo, recentCount), base, now);
    }

    /** Checks a model version again after new data, unless it was checked within {@link #CHECK_EVERY}. */
    public void recheck(String model, String version) {
        Instant now = clock.instant();
        // before its baseline exists a version's check records no state; without this every batch of a fleet would
        // read the version's rollups again (each instance checks at most once a CHECK_EVERY)
        Instant last = lastChecked.get(key(model, version));
        if (last != null && last.plus(CHECK_EVERY).isAfter(now)) {
            return;
        }
        lastChecked.put(key(model, version), now);
        Optional<Revisioned<DriftState>> state = states.get(key(model, version));
        if (state.isPresent() && state.get().value().checkedAt().plus(CHECK_EVERY).isAfter(now)) {
            return;
        }
        drift(model, version);
    }

    /** Uploads the reference a version's recent data is compared with, replacing the first-hours baseline. */
    public Baseline putBaseline(String model, String version, Map<String, Double> labels, List<Double> confidence) {
        ModelNames.checkName(model);
        ModelNames.checkVersion(version);
        boolean noLabels = labels == null || labels.isEmpty();
        boolean noConfidence = confidence == null || confidence.isEmpty();
        if (noLabels && noConfidence) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "baseline_invalid",
                    "expected \"labels\" (label -> count or share) and/or \"confidence\" (" + Aggregate.CONFIDENCE_BINS
                            + " bin counts for [0,0.1) ... [0.9,1]), found neither");
        }
        if (!noConfidence && confidence.size() != Aggregate.CONFIDENCE_BINS) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "baseline_invalid",
                    "expected \"confidence\" to hold " + Aggregate.CONFIDENCE_BINS + " bin counts, found " + confidence.size());
        }
        if ((!noLabels && labels.values().stream().anyMatch(v -> v == null || v < 0 || v.isNaN()))
                || (!noConfidence && confidence.stream().anyMatch(v -> v == null || v < 0 || v.isNaN()))) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "baseline_invalid",
                    "expected counts or shares >= 0, found a negative or missing value");
        }
        Baseline baseline = new Baseline(model, version, Baseline.UPLOADED, null, null,
                noLabels ? null : new TreeMap<>(labels), noConfidence ? null : List.copyOf(confidence), clock.instant());
        return baselineWrites.upsert(key(model, version), existing -> baseline,
                failure -> new VergeException(ErrorKind.CONFLICT, "baseline_contended", "the baseline kept changing; send it again")).after();
    }

    /**
     * Forgets a version's baseline (computed or uploaded) and its drift state: the next baseline is made of the
     * first hours of group data that begin after the reset (the next whole hour).
     */
    public BaselineReset resetBaseline(String model, String version, String by) {
        ModelNames.checkName(model);
        ModelNames.checkVersion(version);
        Instant now = clock.instant();
        Instant from = now.truncatedTo(ChronoUnit.HOURS).equals(now) ? now : now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        BaselineReset reset = new BaselineReset(model, version, now, from, by);
        String key = key(model, version);
        resetWrites.upsert(key, existing -> reset,
                failure -> new VergeException(ErrorKind.CONFLICT, "baseline_contended", "the baseline reset kept changing; send it again"));
        baselines.delete(key);
        states.delete(key);
        System.getLogger(DriftMonitor.class.getName()).log(System.Logger.Level.INFO, () -> "drift baseline of " + key
                + " reset by " + by + "; the next one is made from data after " + from);
        return reset;
    }

    public Optional<Baseline> storedBaseline(String model, String version) {
        return baselines.get(key(model, version)).map(Revisioned::value);
    }

    /** Drift alerts of a model (every model when null), and of one version when given, oldest first. */
    public List<DriftAlert> alerts(String model, String version) {
        String prefix = model == null ? "" : version == null ? model + "/" : key(model, version) + "/";
        List<DriftAlert> out = new ArrayList<>(alerts.list(prefix).stream().map(Revisioned::value).toList());
        out.sort(Comparator.comparing(DriftAlert::at));
        return out;
    }

    /** The stored baseline, or the first-hours one computed and stored now that those hours are over. */
    private Optional<Baseline> baseline(String model, String version, Instant now) {
        String key = key(model, version);
        Optional<Revisioned<Baseline>> stored = baselines.get(key);
        if (stored.isPresent()) {
            return Optional.of(stored.get().value());
        }
        // group rollups only, and only hours after the version was first deployed (and after an operator's reset):
        // a device's records from before never make the baseline
        Optional<Instant> deployed = starts.firstDeployed(model, version);
        if (deployed.isEmpty()) {
            return Optional.empty();
        }
        Instant from = deployed.get().truncatedTo(ChronoUnit.HOURS);
        Optional<Instant> reset = resets.get(key).map(r -> r.value().from());
        if (reset.isPresent() && reset.get().isAfter(from)) {
            from = reset.get();
        }
        Instant after = from;
        // scans the version's rollups, but only until its baseline exists (its first hours)
        List<Rollup> all = rollups.groupRollups(model, version).stream().filter(r -> !r.hour().isBefore(after)).toList();
        Optional<Instant> first = all.stream().map(Rollup::hour).min(Comparator.naturalOrder());
        if (first.isEmpty()) {
            return Optional.empty();
        }
        Instant end = first.get().plus(Duration.ofHours(config.baselineHours()));
        if (now.isBefore(end)) {
            return Optional.empty();
        }
        Aggregate sum = new Aggregate();
        all.stream().filter(r -> r.hour().isBefore(end)).forEach(r -> sum.merge(r.aggregate()));
        Map<String, Double> labels = new TreeMap<>();
        sum.labels().forEach((label, n) -> labels.put(label, n.doubleValue()));
        List<Double> confidence = java.util.Arrays.stream(sum.confidence()).mapToDouble(n -> n).boxed().toList();
        Baseline computed = new Baseline(model, version, Baseline.FIRST_HOURS, first.get(), end, labels, confidence, now);
        if (baselines.create(key, computed)) {
            return Optional.of(computed);
        }
        return baselines.get(key).map(Revisioned::value);
    }

    private DriftReading reading(String model, String version, String status, Double psi, Double labelPsi,
                                 Double confidencePsi, Instant from, Instant to, long recentCount) {
        return new DriftReading(model, version, status, psi, labelPsi, confidencePsi, config.driftThreshold(), null, from, to,
                recentCount);
    }

    /** Stores the check, and an alert when it crossed the threshold either way; returns the reading with its baseline. */
    private DriftReading record(DriftReading r, Baseline base, Instant now) {
        DriftReading reading = new DriftReading(r.model(), r.version(), r.status(), r.psi(), r.labelPsi(), r.confidencePsi(),
                r.threshold(), base.source(), r.windowFrom(), r.windowTo(), r.recentCount());
        String key = key(r.model(), r.version());
        ConditionalWrite.Written<DriftState> written;
        try {
            written = stateWrites.upsert(key, state -> {
                boolean wasAlerting = state.map(DriftState::alerting).orElse(false);
                // without a judgement (too little data) the version keeps the state it had
                boolean alerting = reading.drifting() || (!DriftReading.OK.equals(reading.status()) && wasAlerting);
                Instant since = alerting != wasAlerting || state.isEmpty() ? now : state.get().since();
                return new DriftState(r.model(), r.version(), alerting, reading.psi(), now, since);
            }, failure -> new StateContended());
        } catch (StateContended contended) {
            return reading; // another check of the same version stored its state meanwhile
        }
        boolean wasAlerting = written.before().map(DriftState::alerting).orElse(false);
        if (written.after().alerting() != wasAlerting) {
            alerts.create(key + "/" + now, new DriftAlert(written.after().alerting() ? DriftAlert.DETECTED : DriftAlert.RESOLVED,
                    r.model(), r.version(), reading.psi(), reading.labelPsi(), reading.confidencePsi(), reading.threshold(), now));
        }
        return reading;
    }

    /** Another check of the same version won every race: its state stands, this reading is still answered. */
    private static final class StateContended extends RuntimeException {
        StateContended() {
            super("drift state changed by another writer every time", null, false, false);
        }
    }

    private static String key(String model, String version) {
        return model + "/" + version;
    }
}
