package dev.verge.cloud.rollout;

import dev.verge.cloud.devices.DeviceRegistry;
import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.ConditionalWrite;
import dev.verge.cloud.port.JsonCollection.Revisioned;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.port.NewestFirstIndex;
import dev.verge.cloud.registry.ModelRegistry;
import dev.verge.cloud.registry.ModelVersion;
import dev.verge.cloud.registry.VersionStatus;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Deployments of a model version to a device group: creating one (which supersedes the group's
 * deployment in progress), listing them, and the bookkeeping the {@link RolloutController} and
 * {@link DeviceSync} share.
 *
 * <p>Storage: deployments in collection {@code deployments} under their id ({@code dep-<utc time>-<random>},
 * so ids sort by creation), and each group's current deployment in {@code device-groups} (see
 * {@link GroupPointer}). A new deployment is written first and becomes current by a conditional
 * write of the group's pointer; when that loses to a concurrent deployment it is deleted and the
 * request is tried again against the winner.
 */
public final class Deployments {
    private static final System.Logger LOG = System.getLogger(Deployments.class.getName());
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_WRITE_ATTEMPTS = 20;
    /** A deployment's first history entry names its canaries up to this many. */
    private static final int SHOWN_IN_HISTORY = 20;

    /** A created deployment; {@code created} is false when the same deployment was already in progress. */
    public record Created(Deployment deployment, boolean created) {}

    private final ModelRegistry registry;
    private final DeviceRegistry devices;
    private final JsonCollection<Deployment> deployments;
    private final ConditionalWrite<Deployment> writes;
    private final JsonCollection<GroupPointer> groups;
    private final NewestFirstIndex newestFirst;
    private final Clock clock;
    private final PackageSigner signer;
    private final Map<String, Instant> firstDeployments = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Instant> neverDeployed = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.time.Duration NEVER_DEPLOYED_KEPT = java.time.Duration.ofMinutes(1);

    /** {@code signer} null: no signing key is configured and deployments are refused with 503. */
    public Deployments(ModelRegistry registry, DeviceRegistry devices, MetadataStore metadata, Clock clock, PackageSigner signer) {
        this.registry = registry;
        this.devices = devices;
        this.deployments = new JsonCollection<>(metadata, Deployment.COLLECTION, Deployment.class);
        this.writes = new ConditionalWrite<>(deployments);
        this.groups = new JsonCollection<>(metadata, GroupPointer.COLLECTION, GroupPointer.class);
        this.newestFirst = new NewestFirstIndex(metadata, "deployments-by-time");
        this.clock = clock;
        this.signer = signer;
    }

    // ---- create ----------------------------------------------------------------------------------

    /**
     * Deploys a registered version to a group. 400 for a malformed request (every problem named), 404
     * when the group has no devices or the version does not exist, 409 when the version is rejected or
     * still being registered, or when the group already runs it, 503 without a signing key.
     */
    public Created create(DeploymentRequest request, String caller) {
        DeploymentRequest.Checked checked = request.check();
        if (signer == null) {
            throw new VergeException(ErrorKind.NOT_READY, "signing_key_missing",
                    "cannot deploy: no package signing key is configured; set VERGE_SIGNING_KEY to a Base64 PKCS#8 Ed25519"
                            + " private key (the local cloud makes one itself)");
        }
        String group = checked.group();
        List<String> first = devices.idsInGroup(group, null, 1);
        if (first.isEmpty()) {
            throw new VergeException(ErrorKind.NOT_FOUND, "group_not_found",
                    "no device is in group " + group + "; create devices with POST /api/devices {\"id\": ..., \"group\": \""
                            + group + "\"} first");
        }
        ModelVersion version = deployable(checked.model(), checked.version());
        String by = request.by() == null || request.by().isBlank() ? caller : request.by().strip();
        for (int attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
            Optional<Revisioned<GroupPointer>> pointer = groups.get(group);
            Optional<Deployment> current = pointer.flatMap(p -> deployments.get(p.value().deploymentId())).map(Revisioned::value);
            if (current.isPresent() && current.get().state().inProgress() && current.get().model().equals(version.name())
                    && current.get().version().equals(version.version()) && current.get().strategy().equals(checked.strategy())) {
                return new Created(current.get(), false);
            }
            Target lastGood = current.map(Deployments::lastGood).orElse(null);
            // while a deployment is in progress, deploying the last good version again is a manual rollback: allowed
            if (lastGood != null && !current.get().state().inProgress()
                    && lastGood.model().equals(version.name()) && lastGood.version().equals(version.version())) {
                throw new VergeException(ErrorKind.CONFLICT, "version_already_deployed",
                        "group " + group + " already runs " + version.name() + "/" + version.version() + " (deployment "
                                + lastGood.deploymentId() + "); deploy another version");
            }
            Deployment deployment = newDeployment(checked, version, lastGood, by);
            if (!deployments.create(deployment.id(), deployment)) {
                continue;
            }
            GroupPointer moved = new GroupPointer(group, deployment.id(), deployment.createdAt());
            boolean becameCurrent = pointer.isEmpty() ? groups.create(group, moved) : groups.update(group, pointer.get().revision(), moved);
            if (!becameCurrent) {
                deployments.delete(deployment.id());
                continue;
            }
            newestFirst.add(deployment.id(), deployment.createdAt(), null, group);
            current.filter(d -> d.state().inProgress()).ifPresent(old -> supersede(old.id(), deployment.id()));
            neverDeployed.remove(deployment.model() + "/" + deployment.version());
            LOG.log(Level.INFO, () -> deployment.id() + ": " + deployment.history().get(0).reason());
            return new Created(deployment, true);
        }
        throw new IllegalStateException("could not create a deployment to group " + group + " after " + MAX_WRITE_ATTEMPTS
                + " concurrent writes");
    }

    /** The registered version; 404 when there is none, 409 when it was rejected or is still being registered. */
    private ModelVersion deployable(String model, String versionName) {
        ModelVersion version = registry.get(model, versionName);
        if (version.status() != VersionStatus.REGISTERED) {
            boolean rejected = version.status() == VersionStatus.REJECTED;
            throw new VergeException(ErrorKind.CONFLICT, rejected ? "version_rejected" : "version_not_ready",
                    rejected ? "cannot deploy " + version.name() + "/" + version.version() + ": it was rejected at registration;"
                                    + " fix the package and register a new version"
                            : "cannot deploy " + version.name() + "/" + version.version() + " yet: its registration is in progress");
        }
        return version;
    }

    /** A new deployment in {@code rolling-out}, its canaries chosen and its package signed. */
    private Deployment newDeployment(DeploymentRequest.Checked checked, ModelVersion version, Target lastGood, String by) {
        Instant now = clock.instant();
        String id = newId(now);
        Strategy strategy = checked.strategy();
        CanarySelection.Selection canaries = CanarySelection.select(id,
                (after, limit) -> devices.idsInGroup(checked.group(), after, limit), strategy.canary() ? strategy.percent() : 100);
        Target target = new Target(version.name(), version.version(), ModelRegistry.packageKey(version.name(), version.version()),
                version.sha256(), version.size(), signer.sign(version.name(), version.version(), version.sha256(), version.size()),
                version.model() == null ? null : version.model().opset(),
                version.model() == null ? null : version.model().onnxRuntimeVersion(), id);
        String reason = "created by " + by + ": " + (strategy.canary()
                ? (canaries.count() == null ? strategy.percent() + "% of the group's devices (chosen by rank; "
                        + canaries.watched().size() + " watched)"
                        : canaries.count() + " (" + strategy.percent() + "%) of the group's devices") + " take " + version.version()
                        + " first" + (canaries.count() != null && canaries.count() <= SHOWN_IN_HISTORY ? ": " + canaries.watched() : "")
                        + "; the others stay on " + describe(lastGood)
                : (canaries.count() == null ? "every device of the group takes " : "all " + canaries.count() + " devices take ")
                        + version.version());
        return new Deployment(id, checked.group(), version.name(), version.version(), strategy, checked.health(), checked.sampling(),
                DeploymentState.ROLLING_OUT, target, lastGood, canaries.watched(), canaries.count(),
                canaries.lastRank(), Map.of(), by, now, null, now,
                List.of(new Decision(now, DeploymentState.ROLLING_OUT, reason)));
    }

    private static String newId(Instant now) {
        byte[] random = new byte[3];
        RANDOM.nextBytes(random);
        return "dep-" + ID_TIME.format(now) + "-" + HexFormat.of().formatHex(random);
    }

    /** The version a group goes back to when {@code deployment} fails, or stays on while it is evaluated. */
    static Target lastGood(Deployment deployment) {
        return deployment.state() == DeploymentState.PROMOTED ? deployment.target() : deployment.previous();
    }

    static String describe(Target target) {
        return target == null ? "no model" : target.model() + "/" + target.version();
    }

    // ---- read ------------------------------------------------------------------------------------

    /** Newest first; {@code group} narrows to one group. */
    public List<Deployment> list(Optional<String> group) {
        Map<String, String> current = groups.list("").stream()
                .collect(Collectors.toMap(Revisioned::key, p -> p.value().deploymentId()));
        return deployments.list("").stream()
                .map(Revisioned::value)
                .filter(d -> group.isEmpty() || group.get().equals(d.group()))
                .map(d -> effective(d, current.get(d.group())))
                .sorted(Comparator.comparing(Deployment::createdAt).thenComparing(Deployment::id).reversed())
                .toList();
    }

    /** One page of deployments, newest first; {@code next} is the {@code after} of the next page, null after the last. */
    public record Page(List<Deployment> deployments, String next) {}

    /** At most {@code limit} deployments, of {@code group} when given, newest first, after cursor {@code after}. */
    public Page page(Optional<String> group, String after, int limit) {
        NewestFirstIndex.Page keys = newestFirst.page(group.orElse(NewestFirstIndex.ALL), after, limit, () -> deployments.list("").stream()
                .map(d -> new NewestFirstIndex.Backfill(d.key(), d.value().createdAt(), null, List.of(d.value().group()))).toList());
        Map<String, Optional<String>> current = new java.util.HashMap<>();
        List<Deployment> found = keys.keys().stream().map(deployments::get).flatMap(Optional::stream).map(Revisioned::value)
                .map(d -> effective(d, current.computeIfAbsent(d.group(), g -> groups.get(g).map(p -> p.value().deploymentId()))
                        .orElse(null)))
                .toList();
        return new Page(found, keys.next());
    }

    /**
     * When {@code model} {@code version} was first deployed to any group; empty when never. Telemetry asks it for
     * every batch: a version's first deployment never changes once there is one, so it is remembered, and "never"
     * is remembered for a minute.
     */
    public Optional<Instant> firstDeployed(String model, String version) {
        String key = model + "/" + version;
        Instant known = firstDeployments.get(key);
        if (known != null) {
            return Optional.of(known);
        }
        Instant now = clock.instant();
        Instant checked = neverDeployed.get(key);
        if (checked != null && checked.plus(NEVER_DEPLOYED_KEPT).isAfter(now)) {
            return Optional.empty();
        }
        Optional<Instant> first = deployments.list("").stream().map(Revisioned::value)
                .filter(d -> d.model().equals(model) && d.version().equals(version))
                .map(Deployment::createdAt).min(Comparator.naturalOrder());
        first.ifPresentOrElse(at -> firstDeployments.put(key, at), () -> neverDeployed.put(key, now));
        return first;
    }

    /** 404 {@code deployment_not_found} when there is no such deployment. */
    public Deployment get(String id) {
        Deployment deployment = require(id).value();
        return effective(deployment, groups.get(deployment.group()).map(p -> p.value().deploymentId()).orElse(null));
    }

    Revisioned<Deployment> require(String id) {
        return deployments.get(id).orElseThrow(() -> notFound(id));
    }

    private static VergeException notFound(String id) {
        return new VergeException(ErrorKind.NOT_FOUND, "deployment_not_found",
                "no deployment with id " + id + "; GET /api/deployments lists the deployments there are");
    }

    /** A deployment in progress that is no longer its group's current one shows as superseded. */
    private static Deployment effective(Deployment deployment, String currentId) {
        return deployment.state().inProgress() && !deployment.id().equals(currentId)
                ? deployment.moveTo(DeploymentState.SUPERSEDED, "a newer deployment to " + deployment.group() + " replaced it",
                        deployment.updatedAt())
                : deployment;
    }

    /** The deployment group {@code group} follows, if any. */
    public Optional<Deployment> currentOf(String group) {
        return group == null ? Optional.empty()
                : groups.get(group).flatMap(p -> deployments.get(p.value().deploymentId())).map(Revisioned::value);
    }

    /** The id of every group's current deployment. */
    List<String> currentIds() {
        return groups.list("").stream().map(p -> p.value().deploymentId()).toList();
    }

    boolean isCurrent(Deployment deployment) {
        return groups.get(deployment.group()).map(p -> p.value().deploymentId().equals(deployment.id())).orElse(false);
    }

    // ---- write -----------------------------------------------------------------------------------

    /**
     * Changes a deployment with a conditional write, re-reading and re-applying {@code change} when
     * another writer came first; {@code change} returning its input means nothing to do.
     */
    Deployment modify(String id, UnaryOperator<Deployment> change) {
        return writes.update(id, change, failure -> failure == ConditionalWrite.Failure.MISSING ? notFound(id)
                : new IllegalStateException("could not update deployment " + id + ": another writer came first every time")).after();
    }

    private void supersede(String oldId, String newId) {
        try {
            modify(oldId, d -> d.state().inProgress()
                    ? d.moveTo(DeploymentState.SUPERSEDED, "superseded by " + newId, clock.instant()) : d);
        } catch (RuntimeException e) {
            // the pointer already moved: the old deployment shows as superseded and the controller writes it later
            LOG.log(Level.WARNING, "could not mark " + oldId + " superseded", e);
        }
    }

    Clock clock() {
        return clock;
    }
}
