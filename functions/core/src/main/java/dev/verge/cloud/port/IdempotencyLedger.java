package dev.verge.cloud.port;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.port.JsonCollection.Revisioned;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one idempotency ledger of the cloud (event deliveries, blob uploads, telemetry batches), in the manner of
 * Powertools' idempotency: a key is <em>claimed</em> ({@link Status#IN_PROGRESS}, for a while) before the work is
 * done and <em>completed</em> with its result after, so the same request again gets the stored result and changes
 * nothing. A claim that outlives its {@code inProgressExpiry} (the function that held it died) is taken over by the
 * next attempt; a failed attempt {@linkplain #release releases} its claim so that a retry starts afresh. The same key
 * with another payload hash is told apart ({@link PayloadMismatch}) rather than answered the first result.
 *
 * <p>Each entry is one {@link MetadataStore} document in the caller's collection: the caller's record (the work's
 * progress while in progress, its result once completed), with the ledger's {@link Stamp} beside its fields under
 * {@value #FIELD}; readers of the plain record ignore it. Documents written before the ledger existed carry no stamp:
 * the caller's {@code legacy} reader tells their state from their own fields. An entry expires (the store deletes it)
 * {@code keep} after it was claimed.
 *
 * <p>Every rule lives here once; a claim is a conditional create, and when the key exists one {@link ConditionalWrite}
 * (only lost races retried); the writes
 * under a claim ({@link #progress}, {@link #complete}) are conditional on the claim's revision, so an attempt whose
 * claim was taken over can no longer write.
 *
 * @param <R> the caller's record
 */
public final class IdempotencyLedger<R> {
    /** The field of a stored record that holds the ledger's {@link Stamp}. */
    public static final String FIELD = "idempotency";

    /** Where an entry is. */
    public enum Status { IN_PROGRESS, COMPLETED }

    /**
     * The ledger's part of an entry.
     *
     * @param payloadHash     what the request carried (null: not compared)
     * @param claimedAt       when the current claim was made (the entry expires {@code keep} after)
     * @param inProgressUntil while in progress: when another attempt may take the claim over
     */
    public record Stamp(Status status, String payloadHash, Instant claimedAt, Instant inProgressUntil) {}

    /** The claim an attempt holds: its writes are conditional on {@code revision}. */
    public record Lease(String key, long revision, Stamp stamp) {
        Lease next() {
            return new Lease(key, revision + 1, stamp);
        }
    }

    /** What a claim found. */
    public sealed interface Claim<R> permits Claimed, AlreadyCompleted, InProgressElsewhere, PayloadMismatch {}

    /**
     * The key is this attempt's: do the work, then {@link #complete} (or {@link #release} on failure).
     *
     * @param abandoned the progress of an attempt whose claim expired and was taken over; empty for a new key
     */
    public record Claimed<R>(Lease lease, Optional<R> abandoned) implements Claim<R> {}

    /** The work was done before: {@code result} is what it led to. */
    public record AlreadyCompleted<R>(R result) implements Claim<R> {}

    /** Another attempt holds the claim until {@code until}; {@code progress} is what it has recorded so far. */
    public record InProgressElsewhere<R>(R progress, Instant until) implements Claim<R> {}

    /** The key was claimed for another payload: {@code stored} is that one's record, in {@code status}. */
    public record PayloadMismatch<R>(R stored, Status status) implements Claim<R> {}

    private record Entry<R>(Stamp stamp, R value) {}

    private final JsonCollection<Entry<R>> entries;
    private final ConditionalWrite<Entry<R>> writes;
    private final Clock clock;
    private final String collection;

    /**
     * @param keep   how long an entry is kept after its claim (null: for good)
     * @param legacy the stamp of a record stored before the ledger existed, from its own fields
     */
    public IdempotencyLedger(MetadataStore store, String collection, Class<R> type, Clock clock, Duration keep,
                             Function<JsonNode, Stamp> legacy) {
        this.collection = collection;
        this.clock = clock;
        this.entries = new JsonCollection<>(store, collection, IdempotencyLedger::write, json -> read(json, type, legacy),
                entry -> keep == null || entry.stamp().claimedAt() == null ? null : entry.stamp().claimedAt().plus(keep));
        this.writes = new ConditionalWrite<>(entries);
    }

    /**
     * Claims {@code key} for this attempt, unless it was completed, is held by another attempt that is still in time,
     * or was claimed for another payload.
     *
     * @param payloadHash what this request carries ({@link #payloadHash}); null: not compared
     * @param inProgress  the record to store while in progress, from the abandoned attempt's one (empty: a new key)
     * @param expiry      how long the claim holds before another attempt may take it over
     */
    public Claim<R> claim(String key, String payloadHash, Function<Optional<R>, R> inProgress, Duration expiry) {
        Instant now = clock.instant();
        Stamp claim = new Stamp(Status.IN_PROGRESS, payloadHash, now, now.plus(expiry));
        // a new key, the common case, costs one conditional create and no read
        if (entries.create(key, new Entry<>(claim, inProgress.apply(Optional.empty())))) {
            return new Claimed<>(new Lease(key, 1, claim), Optional.empty());
        }
        var found = new Object() {
            Claim<R> other;
        };
        ConditionalWrite.Written<Entry<R>> written = writes.upsert(key, current -> {
            found.other = current.map(entry -> standing(entry, payloadHash, now)).orElse(null);
            return found.other != null ? current.get() : new Entry<>(claim, inProgress.apply(current.map(Entry::value)));
        }, failure -> new IllegalStateException("could not claim " + collection + " " + key
                + ": another writer came first every time"));
        if (found.other != null) {
            return found.other;
        }
        return new Claimed<>(new Lease(key, written.revision(), claim), written.before().map(Entry::value));
    }

    /** What an existing entry answers a claim; null when the claim may take it over (it expired in progress). */
    private Claim<R> standing(Entry<R> entry, String payloadHash, Instant now) {
        Stamp stamp = entry.stamp();
        if (stamp.payloadHash() != null && payloadHash != null && !stamp.payloadHash().equals(payloadHash)) {
            return new PayloadMismatch<>(entry.value(), stamp.status());
        }
        if (stamp.status() == Status.COMPLETED) {
            return new AlreadyCompleted<>(entry.value());
        }
        if (stamp.inProgressUntil() != null && stamp.inProgressUntil().isAfter(now)) {
            return new InProgressElsewhere<>(entry.value(), stamp.inProgressUntil());
        }
        return null;
    }

    /** Records the work's progress under the claim; empty when the claim was lost (taken over, or released). */
    public Optional<Lease> progress(Lease lease, R progress) {
        return entries.update(lease.key(), lease.revision(), new Entry<>(lease.stamp(), progress))
                ? Optional.of(lease.next()) : Optional.empty();
    }

    /** Completes the claim with {@code result}, answered to every later claim; false when the claim was lost. */
    public boolean complete(Lease lease, R result) {
        Stamp done = new Stamp(Status.COMPLETED, lease.stamp().payloadHash(), lease.stamp().claimedAt(), null);
        return entries.update(lease.key(), lease.revision(), new Entry<>(done, result));
    }

    /** Gives the claim up after a failed attempt, so that a retry claims the key afresh; nothing when it was lost. */
    public void release(Lease lease) {
        Optional<Revisioned<Entry<R>>> current = entries.get(lease.key());
        if (current.isPresent() && current.get().revision() == lease.revision()) {
            entries.delete(lease.key());
        }
    }

    /** The record stored under {@code key}, in progress or completed. */
    public Optional<R> get(String key) {
        return entries.get(key).map(entry -> entry.value().value());
    }

    /** The records whose keys start with {@code keyPrefix}, in key order. */
    public List<Revisioned<R>> list(String keyPrefix) {
        return entries.list(keyPrefix).stream()
                .map(entry -> new Revisioned<>(entry.key(), entry.revision(), entry.value().value())).toList();
    }

    /** The payload hash of a request made of {@code parts}: the SHA-256 (hex) of them, one a line. */
    public static String payloadHash(String... parts) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** An instant field of a stored record (null when absent), for the {@code legacy} readers. */
    public static Instant instant(JsonNode record, String field) {
        JsonNode value = record.path(field);
        return value.isTextual() && !value.asText().isBlank() ? Instant.parse(value.asText()) : null;
    }

    private static <R> String write(Entry<R> entry) {
        ObjectNode node = CloudJson.mapper().valueToTree(entry.value());
        node.set(FIELD, CloudJson.mapper().valueToTree(entry.stamp()));
        return node.toString();
    }

    private static <R> Entry<R> read(String json, Class<R> type, Function<JsonNode, Stamp> legacy) {
        try {
            ObjectNode node = (ObjectNode) CloudJson.mapper().readTree(json);
            JsonNode stamp = node.remove(FIELD);
            return new Entry<>(stamp == null ? legacy.apply(node) : CloudJson.mapper().treeToValue(stamp, Stamp.class),
                    CloudJson.mapper().treeToValue(node, type));
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalStateException("stored JSON is not a valid " + type.getSimpleName(), e);
        }
    }
}
