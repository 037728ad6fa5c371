package dev.verge.cloud.rollout;

import dev.verge.cloud.devices.DeviceRecord;
import dev.verge.cloud.devices.DeviceRegistry;
import dev.verge.cloud.devices.StatusReport;
import dev.verge.cloud.devices.StatusReport.LastError;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Watches deployments in progress and moves them on: {@code rolling-out} to {@code baking} once
 * every canary device serves the new version, {@code baking} to {@code promoted} (the whole group
 * takes the version) once the bake time passed with every health rule kept, and either of them to
 * {@code rolled-back} (the canary devices return to the last good version) as soon as a rule breaks
 * or a canary device fails to take the version. Every change is recorded with its reason.
 *
 * <p>A shadow starts {@code shadowing}: once its bake time passed, it goes on to {@code rolling-out} by the strategy
 * it names next when the new version kept the shadow's rules ({@link HealthRules#minAgreement()}, {@code maxP95Ms},
 * {@code maxErrorRate} on the pictures it failed on, judged once it saw {@code minRequests} pictures), and ends
 * {@code shadow-ended} with the reason otherwise, or at once when a device cannot load it. A deployment that retires
 * a model bakes once every canary device dropped it.
 *
 * <p>It runs on {@code POST /api/deployments/{id}/evaluate}, on a timer (the local cloud's scheduler, a
 * scheduled Lambda, an Azure timer function, every minute), and after status reports (see
 * {@link #afterReport}). It reads the deployment's watched devices ({@link Deployment#canaryDevices()}, at
 * most {@link CanarySelection#WATCHED}), so its work grows with them and never with the group. Any
 * number may run at once: a change is a conditional write of the deployment, so of two evaluators
 * deciding the same step one writes it and the other, re-reading, finds nothing left to do.
 */
public final class RolloutController {
    private static final System.Logger LOG = System.getLogger(RolloutController.class.getName());

    /** What one evaluation did to one deployment. */
    public record Outcome(String deploymentId, String group, DeploymentState before, DeploymentState after, String reason) {}

    /** A move to {@code next}; {@code change} is what else the move changes (the canaries a passed shadow rolls out to). */
    private record Step(DeploymentState next, String reason, UnaryOperator<Deployment> change) {
        Step(DeploymentState next, String reason) {
            this(next, reason, UnaryOperator.identity());
        }
    }

    /** Up to this many watched devices, every report from the group evaluates the deployment: it reads them all. */
    static final int EVALUATED_ON_EVERY_REPORT = 20;

    private final Deployments deployments;
    private final DeviceRegistry devices;
    private final HealthSource health;

    public RolloutController(Deployments deployments, DeviceRegistry devices, HealthSource health) {
        this.deployments = deployments;
        this.devices = devices;
        this.health = health;
    }

    /** Evaluates every group's current deployment; answers one outcome per deployment in progress. */
    public List<Outcome> evaluate(Instant now) {
        List<Outcome> outcomes = new ArrayList<>();
        for (String id : deployments.currentIds()) {
            try {
                Deployment before = deployments.require(id).value();
                if (before.state().inProgress()) {
                    Deployment after = evaluate(id, now);
                    String reason = after.state() == before.state() ? null : after.history().get(after.history().size() - 1).reason();
                    outcomes.add(new Outcome(id, before.group(), before.state(), after.state(), reason));
                }
            } catch (RuntimeException e) {
                // one broken deployment must not stop the others from being evaluated
                LOG.log(Level.WARNING, "could not evaluate deployment " + id, e);
            }
        }
        return outcomes;
    }

    /**
     * What a status report of a device in {@code d}'s group does to {@code d} (in progress). A canary that could not
     * take the version rolls the deployment back at once, whatever the group's size. In a small deployment (at most
     * {@value #EVALUATED_ON_EVERY_REPORT} watched devices) every report evaluates it; in a larger one a watched
     * device's report does when the device starts or stops serving the version, and the timer does the rest, so a
     * report costs the same in a group of 100 devices as in one of 100,000.
     */
    public void afterReport(Deployment d, DeviceRecord before, StatusReport report, Instant now) {
        String deviceId = before.id();
        LastError error = report.lastError();
        if ((d.shadowing() || d.isCanary(deviceId)) && failedToTake(d, error)) {
            Deployment result = deployments.modify(d.id(), x -> x.state().inProgress() && deployments.isCurrent(x)
                    ? x.moveTo(failed(x), cannotTake(x, deviceId, error), now) : x);
            log(d, result);
            return;
        }
        boolean watched = d.canaryDevices().contains(deviceId);
        boolean servingChanged = doesItsPart(d, before.lastStatus()) != doesItsPart(d, report);
        if (d.canaryDevices().size() <= EVALUATED_ON_EVERY_REPORT || (watched && servingChanged)) {
            evaluate(d.id(), now);
        }
    }

    private static boolean failedToTake(Deployment d, LastError error) {
        return error != null && !d.retires() && d.version().equals(error.version())
                && (error.at() == null || !error.at().isBefore(d.createdAt()));
    }

    private static String cannotTake(Deployment d, String deviceId, LastError error) {
        return "device " + deviceId + " could not take " + d.model() + "/" + d.version() + (d.shadowing() ? " as a shadow" : "")
                + ": " + error.code() + ": " + error.message();
    }

    /** Where a deployment goes when it fails: a shadow ends (no device answered with it), anything else rolls back. */
    private static DeploymentState failed(Deployment d) {
        return d.shadowing() ? DeploymentState.SHADOW_ENDED : DeploymentState.ROLLED_BACK;
    }

    /** True when the report says the device does its part: runs the shadow, serves the version, or dropped the model. */
    private static boolean doesItsPart(Deployment d, StatusReport report) {
        if (report == null) {
            return false;
        }
        return d.retires() ? !report.runs(d.model()) : d.part().doneIn(report);
    }

    private static void log(Deployment start, Deployment result) {
        if (result.state() != start.state()) {
            LOG.log(Level.INFO, () -> result.id() + " (" + result.group() + ", " + result.model() + "/" + result.version() + "): "
                    + start.state().json() + " -> " + result.state().json() + ": " + result.history().get(result.history().size() - 1).reason());
        }
    }

    /** Evaluates one deployment (404 when there is none) and answers it as it is afterwards. */
    public Deployment evaluate(String deploymentId, Instant now) {
        Deployment start = deployments.require(deploymentId).value();
        if (!start.state().inProgress()) {
            return start;
        }
        if (!deployments.isCurrent(start)) {
            return deployments.modify(deploymentId, d -> d.state().inProgress()
                    ? d.moveTo(DeploymentState.SUPERSEDED, Deployments.supersededReason(d), now) : d);
        }
        Deployment result = deployments.modify(deploymentId, d -> {
            Deployment next = d;
            // at most two steps at once: rolling-out -> baking -> promoted when the bake time is zero
            for (int i = 0; i < 2 && next.state().inProgress(); i++) {
                Optional<Step> step = decide(next, now);
                if (step.isEmpty()) {
                    break;
                }
                next = step.get().change().apply(next).moveTo(step.get().next(), step.get().reason(), now);
            }
            return next;
        });
        log(start, result);
        return result;
    }

    /**
     * How a deployment in progress does so far, from its watched devices (for a shadow: the pictures both versions
     * answered, the agreements and the new version's p95); empty when it is not in progress or retires a model.
     */
    public Optional<HealthFigures> progress(Deployment d) {
        if (!d.state().inProgress() || d.retires()) {
            return Optional.empty();
        }
        return Optional.of(health.read(d, records(active(d))));
    }

    /** The devices {@code ids}, as stored now (a device deleted since is left out). */
    private List<DeviceRecord> records(List<String> ids) {
        return ids.stream().map(devices::find).flatMap(Optional::stream).toList();
    }

    /** The watched devices that are not held back. */
    private static List<String> active(Deployment d) {
        return d.canaryDevices().stream().filter(id -> !d.heldDevices().containsKey(id)).toList();
    }

    private Optional<Step> decide(Deployment d, Instant now) {
        List<String> active = active(d);
        if (active.isEmpty()) {
            return Optional.of(new Step(failed(d), "no " + (d.shadowing() ? "" : "canary ") + "device can run " + d.version() + ": "
                    + String.join("; ", d.heldDevices().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList())));
        }
        List<DeviceRecord> records = records(active);
        for (DeviceRecord device : records) {
            LastError error = device.lastStatus() == null ? null : device.lastStatus().lastError();
            if (failedToTake(d, error)) {
                return Optional.of(new Step(failed(d), cannotTake(d, device.id(), error)));
            }
        }
        if (d.shadowing()) {
            return judgeShadow(d, records, now);
        }
        HealthFigures figures = d.retires() ? HealthFigures.unknown() : health.read(d, records);
        Optional<String> breach = breach(d.health(), figures);
        if (breach.isPresent()) {
            return Optional.of(new Step(DeploymentState.ROLLED_BACK, breach.get() + "; canary devices go back to "
                    + Deployments.describe(d.previous())));
        }
        Strategy rollout = d.strategy().rollout();
        if (d.state() == DeploymentState.ROLLING_OUT) {
            boolean allDone = records.size() == active.size() && records.stream().allMatch(r -> doesItsPart(d, r.lastStatus()));
            return allDone
                    ? Optional.of(new Step(DeploymentState.BAKING, "all " + active.size() + " canary devices "
                            + (d.retires() ? "dropped " + d.model() : "serve " + d.version()) + "; watching them for "
                            + Deployments.minutes(rollout.bakeMinutes()) + " minutes"))
                    : Optional.empty();
        }
        if (d.state() == DeploymentState.BAKING && !now.isBefore(d.bakeStartedAt().plus(rollout.bakeTime()))) {
            return Optional.of(new Step(DeploymentState.PROMOTED, d.retires()
                    ? "the bake time of " + Deployments.minutes(rollout.bakeMinutes()) + " minutes passed; the whole group drops " + d.model()
                    : "the bake time of " + Deployments.minutes(rollout.bakeMinutes()) + " minutes passed with every health rule kept ("
                            + summary(figures) + "); the whole group takes " + d.version()));
        }
        return Optional.empty();
    }

    /**
     * A shadow at the end of its bake time: on to the strategy it names next when the new version kept every rule, else
     * ended with the reason. Before the end, nothing (its agreement is judged on the whole bake, not on its first pictures).
     */
    private Optional<Step> judgeShadow(Deployment d, List<DeviceRecord> records, Instant now) {
        if (now.isBefore(d.bakeStartedAt().plus(d.strategy().bakeTime()))) {
            return Optional.empty();
        }
        HealthFigures figures = health.read(d, records);
        HealthRules rules = d.health();
        long pairs = figures.requests() == null ? 0 : figures.requests();
        String after = "after " + Deployments.minutes(d.strategy().bakeMinutes()) + " minutes of shadow";
        if (pairs == 0 || pairs < rules.minRequests()) {
            return Optional.of(new Step(DeploymentState.SHADOW_ENDED, after + " the devices answered " + pairs + " pictures with both"
                    + " versions, fewer than minRequests " + rules.minRequests() + "; nothing to judge " + d.version()
                    + " on: deploy it again with a longer bakeMinutes or a larger percent"));
        }
        Double agreement = figures.agreement();
        if (rules.minAgreement() != null && agreement != null && agreement < rules.minAgreement()) {
            return Optional.of(new Step(DeploymentState.SHADOW_ENDED, after + " " + d.version() + " gave the served version's top"
                    + " label on " + figures.agreements() + " of " + pairs + " pictures (agreement " + round(agreement)
                    + "), below minAgreement " + rules.minAgreement()));
        }
        Optional<String> breach = breach(rules, figures);
        if (breach.isPresent()) {
            return Optional.of(new Step(DeploymentState.SHADOW_ENDED, after + " " + d.version() + "'s " + breach.get()));
        }
        Strategy then = d.strategy().then();
        CanarySelection.Selection canaries = then.canary()
                ? CanarySelection.select(d.id(), (from, limit) -> devices.idsInGroup(d.group(), from, limit), then.percent())
                : new CanarySelection.Selection(d.canaryCount(), d.canaryRank(), d.canaryDevices());
        String rollout = then.canary()
                ? (canaries.count() == null ? then.percent() + "% of the group's devices" : canaries.count() + " (" + then.percent()
                        + "%) of the group's devices") + " take it first"
                : "every device of the group takes it";
        return Optional.of(new Step(DeploymentState.ROLLING_OUT, "the shadow passed " + after + ": agreement "
                + (agreement == null ? "unknown" : round(agreement)) + " on " + pairs + " pictures, " + figures.errors()
                + " failed" + (figures.p95Ms() == null ? "" : ", p95 " + round(figures.p95Ms()) + " ms") + "; " + rollout,
                x -> x.withCanaries(canaries)));
    }

    /** The first rule {@code figures} break, with the figure and the limit. */
    static Optional<String> breach(HealthRules rules, HealthFigures figures) {
        long requests = figures.requests() == null ? 0 : figures.requests();
        boolean enoughTraffic = requests > 0 && requests >= rules.minRequests();
        Double errorRate = figures.errorRate();
        if (rules.maxErrorRate() != null && enoughTraffic && errorRate != null && errorRate > rules.maxErrorRate()) {
            return Optional.of("error rate " + round(errorRate) + " (" + figures.errors() + " of " + requests
                    + " requests) is above maxErrorRate " + rules.maxErrorRate());
        }
        if (rules.maxP95Ms() != null && enoughTraffic && figures.p95Ms() != null && figures.p95Ms() > rules.maxP95Ms()) {
            return Optional.of("p95 latency " + round(figures.p95Ms()) + " ms on " + figures.p95Device()
                    + " is above maxP95Ms " + rules.maxP95Ms());
        }
        if (rules.maxDrift() != null && figures.drift() != null && figures.drift() > rules.maxDrift()) {
            return Optional.of("prediction drift " + round(figures.drift()) + " is above maxDrift " + rules.maxDrift());
        }
        return Optional.empty();
    }

    private static String summary(HealthFigures f) {
        if (f.requests() == null) {
            return "no traffic reported";
        }
        return f.requests() + " requests, " + f.errors() + " errors"
                + (f.p95Ms() == null ? "" : ", p95 " + round(f.p95Ms()) + " ms")
                + (f.drift() == null ? "" : ", drift " + round(f.drift()));
    }

    private static String round(double value) {
        return String.format(Locale.ROOT, "%.3g", value);
    }

}
