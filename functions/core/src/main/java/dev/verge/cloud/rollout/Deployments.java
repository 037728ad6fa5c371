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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Deployments of model versions to device groups: creating one (which supersedes the deployment of the same model
 * in progress in that group, and adds to the group's models when it deploys another model), listing them, and the
 * bookkeeping the {@link RolloutController} and {@link DeviceSync} share.
 *
 * <p>Storage: deployments in collection {@code deployments} under their id ({@code dep-<utc time>-<random>},
 * so ids sort by creation), and each group's current deployment per model in {@code device-groups} (see
 * {@link GroupPointer}). A new deployment is written first and becomes current by a conditional
 * write of the group's pointer ({@link ConditionalWrite}); when that loses to a concurrent deployment it is deleted
 * and the request is tried again against the winner.
 */
public final class Deployments {
    private static final System.Logger LOG = System.getLogger(Deployments.class.getName());
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A deployment's first history entry names its canaries up to this many. */
    private static final int SHOWN_IN_HISTORY = 20;

    /** A created deployment; {@code created} is false when the same deployment was already in progress. */
    public record Created(Deployment deployment, boolean created) {}

    private final ModelRegistry registry;
    private final DeviceRegistry devices;
    private final JsonCollection<Deployment> deployments;
    private final ConditionalWrite<Deployment> writes;
    private final JsonCollection<GroupPointer> groups;
    private final ConditionalWrite<GroupPointer> groupWrites;
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
        this.groupWrites = new ConditionalWrite<>(groups);
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
        ModelVersion version = checked.retire() ? null : deployable(checked.model(), checked.version());
        String model = checked.model();
        String by = request.by() == null || request.by().isBlank() ? caller : request.by().strip();
        // written first, so the pointer never names a deployment that is not there; one that lost the race is removed
        AtomicReference<Deployment> made = new AtomicReference<>();
        AtomicReference<Deployment> inProgress = new AtomicReference<>();
        AtomicReference<Deployment> replaced = new AtomicReference<>();
        ConditionalWrite.Written<GroupPointer> written = groupWrites.upsert(group, stored -> {
            Optional.ofNullable(made.getAndSet(null)).ifPresent(lost -> deployments.delete(lost.id()));
            inProgress.set(null);
            replaced.set(null);
            Optional<GroupPointer> pointer = stored.map(this::resolved);
            Optional<Deployment> current = pointer.map(p -> p.models().get(model)).flatMap(deployments::get).map(Revisioned::value);
            if (current.isPresent() && current.get().state().inProgress() && sameRequest(current.get(), checked)) {
                inProgress.set(current.get());
                return stored.orElseThrow(); // nothing to write
            }
            Target lastGood = current.map(Deployments::lastGood).orElse(null);
            refuseNoChange(checked, current, lastGood);
            Deployment deployment = newDeployment(checked, version, lastGood, by);
            if (!deployments.create(deployment.id(), deployment)) {
                throw new IllegalStateException("deployment id " + deployment.id() + " is taken");
            }
            made.set(deployment);
            replaced.set(current.filter(d -> d.state().inProgress()).orElse(null));
            return pointer.orElseGet(() -> new GroupPointer(group, null, null, Map.of(), null))
                    .with(model, deployment.id(), checked.makeDefault(), deployment.createdAt());
        }, failure -> {
            Optional.ofNullable(made.get()).ifPresent(lost -> deployments.delete(lost.id()));
            return new IllegalStateException("could not create a deployment to group " + group + ": another writer came first every time");
        });
        if (inProgress.get() != null && written.after() == written.before().orElse(null)) {
            return new Created(inProgress.get(), false);
        }
        Deployment deployment = made.get();
        newestFirst.add(deployment.id(), deployment.createdAt(), null, group);
        Optional.ofNullable(replaced.get()).ifPresent(old -> supersede(old.id(), deployment.id()));
        neverDeployed.remove(deployment.model() + "/" + deployment.version());
        LOG.log(Level.INFO, () -> deployment.id() + ": " + deployment.history().get(0).reason());
        return new Created(deployment, true);
    }

    private static boolean sameRequest(Deployment current, DeploymentRequest.Checked checked) {
        return java.util.Objects.equals(current.version(), checked.version()) && current.strategy().equals(checked.strategy());
    }

    /**
     * 409 when the deployment would change nothing: the group already runs the version (deploying the last good
     * version while a deployment is in progress is a manual rollback, and allowed), or it retires a model the group
     * does not run; 409 for a shadow without a version in production to run beside.
     */
    private static void refuseNoChange(DeploymentRequest.Checked checked, Optional<Deployment> current, Target lastGood) {
        boolean inProgress = current.isPresent() && current.get().state().inProgress();
        String group = checked.group();
        if (checked.retire()) {
            if (lastGood == null && !inProgress) {
                throw new VergeException(ErrorKind.CONFLICT, "model_not_deployed", "group " + group + " runs no version of "
                        + checked.model() + "; nothing to retire");
            }
            return;
        }
        if (lastGood != null && !inProgress && lastGood.model().equals(checked.model()) && lastGood.version().equals(checked.version())) {
            throw new VergeException(ErrorKind.CONFLICT, "version_already_deployed",
                    "group " + group + " already runs " + checked.model() + "/" + checked.version() + " (deployment "
                            + lastGood.deploymentId() + "); deploy another version");
        }
        if (checked.strategy().shadow() && lastGood == null) {
            throw new VergeException(ErrorKind.CONFLICT, "shadow_without_serving_version",
                    "cannot shadow " + checked.model() + "/" + checked.version() + " in group " + group + ": the group runs no"
                            + " good version of " + checked.model() + " to answer beside it; deploy one first (canary or all-at-once)");
        }
        if (checked.strategy().shadow() && lastGood.version().equals(checked.version())) {
            throw new VergeException(ErrorKind.CONFLICT, "version_already_deployed", "cannot shadow " + checked.model() + "/"
                    + checked.version() + " in group " + group + ": it is the version the group already runs");
        }
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

    /** A new deployment in {@code rolling-out} (or {@code shadowing}), its canaries chosen and its package signed. */
    private Deployment newDeployment(DeploymentRequest.Checked checked, ModelVersion version, Target lastGood, String by) {
        Instant now = clock.instant();
        String id = newId(now);
        Strategy strategy = checked.strategy();
        Strategy rollout = strategy.rollout();
        CanarySelection.Selection canaries = CanarySelection.select(id,
                (after, limit) -> devices.idsInGroup(checked.group(), after, limit),
                rollout.canary() && !strategy.shadow() ? rollout.percent() : 100);
        Target target = version == null ? null : new Target(version.name(), version.version(),
                ModelRegistry.packageKey(version.name(), version.version()),
                version.sha256(), version.size(), signer.sign(version.name(), version.version(), version.sha256(), version.size()),
                version.model() == null ? null : version.model().opset(),
                version.model() == null ? null : version.model().onnxRuntimeVersion(), id);
        DeploymentState state = strategy.shadow() ? DeploymentState.SHADOWING : DeploymentState.ROLLING_OUT;
        String reason = "created by " + by + ": " + plan(checked, canaries, lastGood);
        return new Deployment(id, checked.group(), checked.model(), checked.version(), strategy, checked.health(), checked.sampling(),
                state, target, lastGood, canaries.watched(), canaries.count(),
                canaries.lastRank(), Map.of(), by, now, strategy.shadow() ? now : null, now,
                List.of(new Decision(now, state, reason)), checked.makeDefault());
    }

    /** What a new deployment will do, for its first history entry. */
    private static String plan(DeploymentRequest.Checked checked, CanarySelection.Selection canaries, Target lastGood) {
        Strategy strategy = checked.strategy();
        String what = checked.retire() ? "retire " + checked.model() : checked.version();
        if (strategy.shadow()) {
            return (canaries.count() == null ? "every device of the group" : "all " + canaries.count() + " devices")
                    + " keep answering with " + describe(lastGood) + " and run " + checked.version() + " beside it on "
                    + strategy.percent() + "% of the requests for " + minutes(strategy.bakeMinutes()) + " minutes; then, if it agreed, "
                    + (strategy.then().canary() ? "a canary of " + strategy.then().percent() + "%" : "all at once");
        }
        if (!strategy.canary()) {
            return (canaries.count() == null ? "every device of the group takes " : "all " + canaries.count() + " devices take ") + what;
        }
        return (canaries.count() == null ? strategy.percent() + "% of the group's devices (chosen by rank; "
                + canaries.watched().size() + " watched)"
                : canaries.count() + " (" + strategy.percent() + "%) of the group's devices") + " take " + what
                + " first" + (canaries.count() != null && canaries.count() <= SHOWN_IN_HISTORY ? ": " + canaries.watched() : "")
                + "; the others stay on " + describe(lastGood);
    }

    static String minutes(Double value) {
        double m = value == null ? 0 : value;
        return m == Math.rint(m) ? Long.toString((long) m) : String.format(java.util.Locale.ROOT, "%.2f", m);
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
        Map<String, GroupPointer> current = groups.list("").stream()
                .collect(Collectors.toMap(Revisioned::key, p -> resolved(p.value())));
        return deployments.list("").stream()
                .map(Revisioned::value)
                .filter(d -> group.isEmpty() || group.get().equals(d.group()))
                .map(d -> effective(d, Optional.ofNullable(current.get(d.group()))))
                .sorted(Comparator.comparing(Deployment::createdAt).thenComparing(Deployment::id).reversed())
                .toList();
    }

    /** One page of deployments, newest first; {@code next} is the {@code after} of the next page, null after the last. */
    public record Page(List<Deployment> deployments, String next) {}

    /** At most {@code limit} deployments, of {@code group} when given, newest first, after cursor {@code after}. */
    public Page page(Optional<String> group, String after, int limit) {
        NewestFirstIndex.Page keys = newestFirst.page(group.orElse(NewestFirstIndex.ALL), after, limit, () -> deployments.list("").stream()
                .map(d -> new NewestFirstIndex.Backfill(d.key(), d.value().createdAt(), null, List.of(d.value().group()))).toList());
        Map<String, Optional<GroupPointer>> current = new java.util.HashMap<>();
        List<Deployment> found = keys.keys().stream().map(deployments::get).flatMap(Optional::stream).map(Revisioned::value)
                .map(d -> effective(d, current.computeIfAbsent(d.group(), this::pointer)))
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
                .filter(d -> d.model().equals(model) && version.equals(d.version()))
                .map(Deployment::createdAt).min(Comparator.naturalOrder());
        first.ifPresentOrElse(at -> firstDeployments.put(key, at), () -> neverDeployed.put(key, now));
        return first;
    }

    /** 404 {@code deployment_not_found} when there is no such deployment. */
    public Deployment get(String id) {
        Deployment deployment = require(id).value();
        return effective(deployment, pointer(deployment.group()));
    }

    Revisioned<Deployment> require(String id) {
        return deployments.get(id).orElseThrow(() -> notFound(id));
    }

    private static VergeException notFound(String id) {
        return new VergeException(ErrorKind.NOT_FOUND, "deployment_not_found",
                "no deployment with id " + id + "; GET /api/deployments lists the deployments there are");
    }

    /** A deployment in progress that is no longer its model's current one in its group shows as superseded. */
    private static Deployment effective(Deployment deployment, Optional<GroupPointer> pointer) {
        String currentId = pointer.map(p -> p.models().get(deployment.model())).orElse(null);
        return deployment.state().inProgress() && !deployment.id().equals(currentId)
                ? deployment.moveTo(DeploymentState.SUPERSEDED, supersededReason(deployment), deployment.updatedAt())
                : deployment;
    }

    static String supersededReason(Deployment d) {
        return "a newer deployment of " + d.model() + " to " + d.group() + " replaced it";
    }

    /** What a group runs: each model's current deployment, in the order the models were first deployed. */
    public record GroupDeployments(List<Deployment> current, String defaultModel) {
        static final GroupDeployments NONE = new GroupDeployments(List.of(), null);
    }

    /** The deployments {@code group} follows, one per model; none for a null or unknown group. */
    public GroupDeployments currentIn(String group) {
        Optional<GroupPointer> pointer = group == null ? Optional.empty() : pointer(group);
        if (pointer.isEmpty()) {
            return GroupDeployments.NONE;
        }
        List<Deployment> current = pointer.get().models().values().stream().map(deployments::get).flatMap(Optional::stream)
                .map(Revisioned::value).toList();
        return new GroupDeployments(current, pointer.get().defaultModel());
    }

    /** The id of every group's current deployment of each of its models. */
    List<String> currentIds() {
        return groups.list("").stream().flatMap(p -> resolved(p.value()).models().values().stream()).toList();
    }

    boolean isCurrent(Deployment deployment) {
        return pointer(deployment.group()).map(p -> deployment.id().equals(p.models().get(deployment.model()))).orElse(false);
    }

    private Optional<GroupPointer> pointer(String group) {
        return groups.get(group).map(p -> resolved(p.value()));
    }

    /** A pointer from before several models names one deployment only: it becomes that deployment's model's. */
    private GroupPointer resolved(GroupPointer pointer) {
        if (!pointer.models().isEmpty() || pointer.deploymentId() == null) {
            return pointer;
        }
        return deployments.get(pointer.deploymentId()).map(Revisioned::value)
                .map(d -> new GroupPointer(pointer.group(), d.id(), pointer.updatedAt(), Map.of(d.model(), d.id()), d.model()))
                .orElse(pointer);
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
