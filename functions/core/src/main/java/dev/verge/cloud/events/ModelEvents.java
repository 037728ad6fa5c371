package dev.verge.cloud.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.events.EventRules.RepositoryRule;
import dev.verge.cloud.events.ModelEvent.AliasSet;
import dev.verge.cloud.events.ModelEvent.ArtifactDeleted;
import dev.verge.cloud.events.ModelEvent.Ignored;
import dev.verge.cloud.events.ModelEvent.TagPushed;
import dev.verge.cloud.events.ModelEvent.VersionPublished;
import dev.verge.cloud.port.BlobInfo;
import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.port.ConditionalWrite;
import dev.verge.cloud.port.IdempotencyLedger;
import dev.verge.cloud.port.JsonCollection;
import dev.verge.cloud.port.MetadataStore;
import dev.verge.cloud.port.NewestFirstIndex;
import dev.verge.cloud.registry.ArtifactRef;
import dev.verge.cloud.registry.ModelNames;
import dev.verge.cloud.registry.ModelRegistry;
import dev.verge.cloud.registry.ObjectKeys;
import dev.verge.cloud.registry.ModelVersion;
import dev.verge.cloud.registry.PackageSource;
import dev.verge.cloud.registry.Registration;
import dev.verge.cloud.registry.Stage;
import dev.verge.cloud.registry.UploadOutcome;
import dev.verge.cloud.registry.VersionConflictException;
import dev.verge.error.VergeException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns model events into registry actions (register, promote, archive, or ignore with a reason) by
 * the {@link EventRules}, at most once in effect:
 * <ul>
 * <li>a delivery's content (the SHA-256 of what its source signed) is recorded first ({@link ContentMark}):
 *     the same content under another delivery id is a replay, answered {@code duplicate} with the first
 *     outcome, and changes nothing;</li>
 * <li>a delivery is claimed in the audit log ({@link EventRecord}, key {@code <source>/<delivery id>}, an
 *     {@link IdempotencyLedger}) before anything is done, so a redelivery answers the first outcome and
 *     changes nothing (a claim left by a crash is taken over after {@link #STALE_CLAIM});</li>
 * <li>a promotion first advances the model's {@link PromotionMark} with a conditional write, so an
 *     event older than the last one applied (out of order) does not move the stage back;</li>
 * <li>registrations are immutable in the registry itself: the same artifact again is
 *     {@code unchanged}, another artifact under a recorded version is {@code rejected}.</li>
 * </ul>
 * Only failures a retry may cure (a store unreachable) are thrown; the claim is then released.
 */
public final class ModelEvents {
    private static final System.Logger LOG = System.getLogger(ModelEvents.class.getName());
    static final Duration STALE_CLAIM = Duration.ofMinutes(5);
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** What one delivery led to; {@code duplicate} when it had been received before (then nothing changed). */
    public record Result(EventRecord record, boolean duplicate) {}

    private final ModelRegistry registry;
    private final BlobStore blobs;
    private final BlobKeys blobKeys;
    private final IdempotencyLedger<EventRecord> events;
    private final JsonCollection<PromotionMark> marks;
    private final JsonCollection<ContentMark> contents;
    private final Clock clock;
    private final EventRules rules;
    private final NewestFirstIndex newestFirst;
    private final ConditionalWrite<PromotionMark> markWrites;
    private final ConditionalWrite<ContentMark> contentWrites;
    private final Duration keepRecords;

    /** @param keepRecords how long an event's record (its claim, its outcome in {@code GET /api/events}) is kept */
    public ModelEvents(ModelRegistry registry, BlobStore blobs, MetadataStore metadata, Clock clock, EventRules rules,
                       Duration keepRecords) {
        this.registry = registry;
        this.blobs = blobs;
        this.blobKeys = blobs instanceof BlobKeys keys ? keys : null;
        this.events = new IdempotencyLedger<>(metadata, EventRecord.COLLECTION, EventRecord.class, clock, keepRecords,
                ModelEvents::legacyStamp);
        this.marks = new JsonCollection<>(metadata, PromotionMark.COLLECTION, PromotionMark.class);
        this.contents = new JsonCollection<>(metadata, ContentMark.COLLECTION, ContentMark.class);
        this.clock = clock;
        this.rules = rules;
        this.newestFirst = new NewestFirstIndex(metadata, "events-by-time");
        this.markWrites = new ConditionalWrite<>(marks);
        this.contentWrites = new ConditionalWrite<>(contents);
        this.keepRecords = keepRecords;
    }

    /** Applies one delivery, unless it (or its content under another delivery id) was received before. */
    public Result handle(Delivery delivery) {
        String key = delivery.source().json() + "/" + safeId(delivery.deliveryId());
        Instant now = clock.instant();
        if (delivery.contentDigest() != null) {
            Optional<Result> replay = replayOf(delivery, key, now);
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        EventRecord claim = new EventRecord(delivery.source().json(), delivery.deliveryId(), typeOf(delivery.event()),
                EventOutcome.PROCESSING, null, null, null, delivery.time(), now);
        // the delivery id is the key; its content is the content mark's to compare, so no payload hash here
        IdempotencyLedger.Lease lease;
        switch (events.claim(key, null, abandoned -> claim, STALE_CLAIM)) {
            case IdempotencyLedger.Claimed<EventRecord> claimed -> {
                lease = claimed.lease();
                if (claimed.abandoned().isEmpty()) {
                    newestFirst.add(key, now, now.plus(keepRecords), delivery.source().json());
                }
            }
            case IdempotencyLedger.AlreadyCompleted<EventRecord> done -> {
                return new Result(done.result(), true);
            }
            case IdempotencyLedger.InProgressElsewhere<EventRecord> elsewhere -> {
                return new Result(elsewhere.progress(), true);
            }
            case IdempotencyLedger.PayloadMismatch<EventRecord> other -> {
                return new Result(other.stored(), true);
            }
        }
        EventRecord done;
        try {
            done = apply(delivery, claim);
        } catch (RuntimeException e) {
            release(lease);
            throw e;
        }
        if (!events.complete(lease, done)) {
            LOG.log(Level.WARNING, "the audit record of " + key + " changed while it was handled; its outcome was " + done.outcome());
        }
        EventRecord logged = done;
        LOG.log(Level.INFO, () -> ObjectKeys.escapeControls("event " + key + " (" + logged.type() + "): " + logged.outcome().json()
                + (logged.model() == null ? "" : " " + logged.model() + "/" + logged.version())
                + (logged.reason() == null ? "" : ": " + logged.reason())));
        return new Result(done, false);
    }

    /**
     * The first outcome of this delivery's content when another delivery (another id) carried it before:
     * a replay, which changes nothing. Empty when the content is new or was this delivery's own.
     */
    private Optional<Result> replayOf(Delivery delivery, String key, Instant now) {
        String contentKey = delivery.source().json() + "/" + delivery.contentDigest();
        var first = new Object() {
            Optional<EventRecord> record = Optional.empty();
        };
        ContentMark mark = contentWrites.upsert(contentKey, seen -> {
            first.record = Optional.empty();
            if (seen.isEmpty()) {
                return new ContentMark(delivery.source().json(), delivery.contentDigest(), key, delivery.deliveryId(), now, 0, null);
            }
            if (seen.get().eventKey().equals(key)) {
                return seen.get();
            }
            first.record = events.get(seen.get().eventKey());
            // the first delivery's claim was released (it failed and will be retried): this one takes its place
            return first.record.isEmpty() ? seen.get().takenBy(key, delivery.deliveryId(), now) : seen.get().replayed(now);
        }, failure -> new IllegalStateException("could not record the content of event " + key
                + ": another writer came first every time")).after();
        if (first.record.isEmpty()) {
            return Optional.empty();
        }
        LOG.log(Level.WARNING, () -> "event " + key + " refused as a replay: the same content as delivery "
                + mark.deliveryId() + " of " + mark.firstAt() + " (replay " + mark.replays() + "); nothing changed");
        return Optional.of(new Result(first.record.get(), true));
    }

    /** The audit log, newest first; {@code source} null for every source. */
    /** One page of event records, newest first; {@code next} is the {@code after} of the next page, null after the last. */
    public record Page(List<EventRecord> events, String next) {}

    /** At most {@code limit} events, of {@code source} when given, newest first, after cursor {@code after} (null: the newest). */
    public Page page(EventSource source, String after, int limit) {
        NewestFirstIndex.Page keys = newestFirst.page(source == null ? NewestFirstIndex.ALL : source.json(), after, limit,
                () -> events.list("").stream().map(e -> new NewestFirstIndex.Backfill(e.key(),
                        e.value().receivedAt() == null ? Instant.EPOCH : e.value().receivedAt(),
                        (e.value().receivedAt() == null ? clock.instant() : e.value().receivedAt()).plus(keepRecords),
                        List.of(e.value().source()))).toList());
        return new Page(keys.keys().stream().map(events::get).flatMap(Optional::stream).toList(), keys.next());
    }

    private EventRecord apply(Delivery delivery, EventRecord claim) {
        try {
            return switch (delivery.event()) {
                case TagPushed pushed -> tagPushed(delivery, pushed, claim);
                case VersionPublished published -> versionPublished(delivery, published, claim);
                case AliasSet alias -> aliasSet(delivery, alias, claim);
                case ArtifactDeleted deleted -> artifactDeleted(delivery, deleted, claim);
                case BlobUpload blob -> blobUploaded(delivery, blob, claim);
                case Ignored ignored -> claim.finish(EventOutcome.IGNORED, null, null, ignored.reason());
            };
        } catch (VergeException e) {
            if (e.kind().httpStatus() >= 500) {
                throw e;
            }
            return claim.finish(EventOutcome.REJECTED, null, null, e.code() + ": " + e.getMessage());
        }
    }

    // ---- the facts -----------------------------------------------------------------------------

    private EventRecord tagPushed(Delivery delivery, TagPushed pushed, EventRecord claim) {
        Target target = target(delivery.source(), pushed.repository());
        if (target.model() == null) {
            return claim.finish(EventOutcome.IGNORED, null, null, target.reason());
        }
        String model = target.model();
        Optional<Stage> stage = target.rule().promotionOf(pushed.tag());
        if (stage.isPresent()) {
            String digest = pushed.artifact().digest();
            if (digest == null) {
                return claim.finish(EventOutcome.IGNORED, model, null, "tag " + pushed.tag() + " would promote to "
                        + stage.get().json() + ", but the event names no digest, so the version cannot be told");
            }
            Optional<ModelVersion> version = registry.findByArtifactDigest(model, digest);
            if (version.isEmpty()) {
                return claim.finish(EventOutcome.IGNORED, model, null, "tag " + pushed.tag() + " points at " + digest
                        + ", which no registered version of " + model + " has; push a version tag for it first");
            }
            return promote(delivery, model, version.get().version(), stage.get(), claim);
        }
        Optional<String> version = target.rule().versionOf(pushed.tag());
        if (version.isEmpty()) {
            return claim.finish(EventOutcome.IGNORED, model, null, "tag \"" + ModelNames.printable(pushed.tag())
                    + "\" is neither a version tag (" + target.rule().versionTags() + ") nor a promotion tag "
                    + target.rule().promote().keySet());
        }
        return register(delivery, model, version.get(), pushed.registry(), pushed.artifact(), claim);
    }

    private EventRecord versionPublished(Delivery delivery, VersionPublished published, EventRecord claim) {
        Target target = target(delivery.source(), published.repository());
        if (target.model() == null) {
            return claim.finish(EventOutcome.IGNORED, null, null, target.reason());
        }
        if (!ModelNames.isValidVersion(published.version())) {
            return claim.finish(EventOutcome.IGNORED, target.model(), null, "version \""
                    + ModelNames.printable(published.version()) + "\" is not a valid Verge version");
        }
        return register(delivery, target.model(), published.version(), published.registry(), published.artifact(), claim);
    }

    private EventRecord aliasSet(Delivery delivery, AliasSet alias, EventRecord claim) {
        Target target = target(delivery.source(), alias.repository());
        if (target.model() == null) {
            return claim.finish(EventOutcome.IGNORED, null, null, target.reason());
        }
        Optional<Stage> stage = target.rule().promotionOf(alias.alias());
        if (stage.isEmpty()) {
            return claim.finish(EventOutcome.IGNORED, target.model(), alias.version(), "alias \""
                    + ModelNames.printable(alias.alias()) + "\" promotes to no stage; the rule promotes " + target.rule().promote().keySet());
        }
        if (!ModelNames.isValidVersion(alias.version())) {
            return claim.finish(EventOutcome.IGNORED, target.model(), null, "version \""
                    + ModelNames.printable(alias.version()) + "\" is not a valid Verge version");
        }
        return promote(delivery, target.model(), alias.version(), stage.get(), claim);
    }

    private EventRecord artifactDeleted(Delivery delivery, ArtifactDeleted deleted, EventRecord claim) {
        Target target = target(delivery.source(), deleted.repository());
        if (target.model() == null) {
            return claim.finish(EventOutcome.IGNORED, null, null, target.reason());
        }
        if (!target.rule().archive()) {
            return claim.finish(EventOutcome.IGNORED, target.model(), null, "the rule for " + delivery.source().json()
                    + " does not archive (\"archive\": false, or no " + EventsConfig.RULES_VARIABLE + " configured)");
        }
        Optional<ModelVersion> version = registry.findByArtifactDigest(target.model(), deleted.digest());
        if (version.isEmpty()) {
            return claim.finish(EventOutcome.IGNORED, target.model(), null, "no registered version of " + target.model()
                    + " has the deleted digest " + deleted.digest());
        }
        ModelVersion v = version.get();
        if (v.stage() == Stage.PRODUCTION) {
            return claim.finish(EventOutcome.IGNORED, v.name(), v.version(), "the deleted artifact is the production version;"
                    + " it is not archived automatically: promote another version first");
        }
        if (v.stage() == Stage.ARCHIVED) {
            return claim.finish(EventOutcome.UNCHANGED, v.name(), v.version(), "already archived");
        }
        registry.changeStage(v.name(), v.version(), Stage.ARCHIVED, by(delivery), "deleted from " + deleted.registry());
        return claim.finish(EventOutcome.ARCHIVED, v.name(), v.version(), null);
    }

    private EventRecord blobUploaded(Delivery delivery, BlobUpload blob, EventRecord claim) {
        Optional<String> unsafe = ObjectKeys.refusal(blob.objectName());
        if (unsafe.isPresent()) {
            return claim.finish(EventOutcome.IGNORED, null, null, unsafe.get());
        }
        Optional<String> resolved;
        try {
            resolved = blobKeys != null ? blobKeys.keyOf(blob) : BlobKeys.byShape(blob);
        } catch (IllegalArgumentException notAContainerName) {
            resolved = Optional.empty();
        }
        if (resolved.isEmpty()) {
            return claim.finish(EventOutcome.IGNORED, null, null, ObjectKeys.printable(blob.store())
                    + " is not a bucket or container of this registry");
        }
        String key = resolved.get();
        if (rules.blobRule(blob.store(), key).isEmpty()) {
            return claim.finish(EventOutcome.IGNORED, null, null, "no blob rule matches " + blob.store() + " " + key);
        }
        String etag = blob.etag();
        long size = blob.size();
        if (etag.isEmpty() || size < 0) {
            Optional<BlobInfo> head = blobs.head(key);
            if (head.isEmpty()) {
                return claim.finish(EventOutcome.IGNORED, null, null, key + " no longer exists");
            }
            etag = etag.isEmpty() ? head.get().etag() : etag;
            size = size < 0 ? head.get().size() : size;
        }
        UploadOutcome outcome = registry.onPackageUploaded(key, etag, size, PackageSource.bucket(blob.store(), by(delivery)));
        ModelVersion v = outcome.version();
        EventOutcome result = switch (outcome.result()) {
            case REGISTERED -> EventOutcome.REGISTERED;
            case ALREADY_REGISTERED -> EventOutcome.UNCHANGED;
            case REJECTED -> EventOutcome.REJECTED;
            case IGNORED -> EventOutcome.IGNORED;
        };
        return claim.finish(result, v == null ? null : v.name(), v == null ? null : v.version(), outcome.reason());
    }

    // ---- registry actions ----------------------------------------------------------------------

    private EventRecord register(Delivery delivery, String model, String version, String from, ArtifactRef artifact,
                                 EventRecord claim) {
        try {
            Registration registration = registry.registerArtifact(model, version, artifact,
                    PackageSource.registry(from, artifact.reference(), by(delivery)));
            return claim.finish(registration.created() ? EventOutcome.REGISTERED : EventOutcome.UNCHANGED, model, version, null);
        } catch (VersionConflictException e) {
            return claim.finish(EventOutcome.REJECTED, model, version, model + "/" + version
                    + " is already recorded with another artifact (" + e.existingSha256() + "); versions are immutable,"
                    + " so " + artifact.reference() + (artifact.digest() == null ? "" : " " + artifact.digest())
                    + " was not recorded: push it under a new version tag");
        }
    }

    /** Moves the version to {@code stage} unless a newer event already set that stage. */
    private EventRecord promote(Delivery delivery, String model, String version, Stage stage, EventRecord claim) {
        ModelVersion current = registry.get(model, version);
        String markKey = model + "/" + stage.json();
        PromotionMark next = new PromotionMark(model, stage.json(), version, delivery.time(), delivery.source().json(),
                delivery.deliveryId());
        // a mark of an event at least as new stands: this one changes nothing
        PromotionMark standing = markWrites.upsert(markKey, mark -> mark
                .filter(m -> m.eventTime() != null && !delivery.time().isAfter(m.eventTime())).orElse(next),
                failure -> new IllegalStateException("could not record the promotion of " + model + "/" + version
                        + ": another writer came first every time")).after();
        if (standing != next) {
            if (standing.version().equals(version)) {
                return claim.finish(EventOutcome.UNCHANGED, model, version, null);
            }
            return claim.finish(EventOutcome.IGNORED, model, version, "out of order: an event of " + standing.eventTime()
                    + " (" + standing.source() + " " + standing.deliveryId() + ") already moved version " + standing.version()
                    + " to " + stage.json() + ", and this one is from " + delivery.time());
        }
        if (current.stage() == stage) {
            return claim.finish(EventOutcome.UNCHANGED, model, version, null);
        }
        registry.changeStage(model, version, stage, by(delivery), "event " + delivery.source().json() + " " + delivery.deliveryId());
        return claim.finish(EventOutcome.PROMOTED, model, version, "to " + stage.json());
    }

    // ---- helpers -------------------------------------------------------------------------------

    private record Target(RepositoryRule rule, String model, String reason) {}

    private Target target(EventSource source, String repository) {
        Optional<RepositoryRule> rule = rules.repositoryRule(source, repository);
        if (rule.isEmpty()) {
            return new Target(null, null, "no rule in " + EventsConfig.RULES_VARIABLE + " names source " + source.json()
                    + " and matches repository \"" + ModelNames.printable(repository) + "\"");
        }
        Optional<String> model = rule.get().modelFor(repository);
        return model.map(m -> new Target(rule.get(), m, null))
                .orElseGet(() -> new Target(rule.get(), null, "repository \"" + ModelNames.printable(repository)
                        + "\" makes no valid model name with the rule's model \"" + rule.get().model() + "\""));
    }

    private static String by(Delivery delivery) {
        return delivery.source().json() + ":" + ModelNames.printable(delivery.by() == null ? "unknown" : delivery.by());
    }

    private static String typeOf(ModelEvent event) {
        return event.type();
    }

    private void release(IdempotencyLedger.Lease lease) {
        try {
            events.release(lease);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not release the claim on event " + lease.key() + "; it is taken over after " + STALE_CLAIM, e);
        }
    }

    /** An audit record stored before the ledger: {@code processing} was its claim, anything else its outcome. */
    private static IdempotencyLedger.Stamp legacyStamp(JsonNode record) {
        Instant receivedAt = IdempotencyLedger.instant(record, "receivedAt");
        return EventOutcome.PROCESSING.json().equals(record.path("outcome").asText())
                ? new IdempotencyLedger.Stamp(IdempotencyLedger.Status.IN_PROGRESS, null, receivedAt,
                        receivedAt == null ? null : receivedAt.plus(STALE_CLAIM))
                : new IdempotencyLedger.Stamp(IdempotencyLedger.Status.COMPLETED, null, receivedAt, null);
    }

    /** Delivery ids become store keys: odd or long ones are replaced by their SHA-256. */
    static String safeId(String deliveryId) {
        return SAFE_ID.matcher(deliveryId).matches() ? deliveryId : "sha256-" + Fields.sha256(deliveryId);
    }
}
