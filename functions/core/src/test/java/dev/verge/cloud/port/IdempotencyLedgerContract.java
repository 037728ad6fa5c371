package dev.verge.cloud.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.port.IdempotencyLedger.AlreadyCompleted;
import dev.verge.cloud.port.IdempotencyLedger.Claim;
import dev.verge.cloud.port.IdempotencyLedger.Claimed;
import dev.verge.cloud.port.IdempotencyLedger.InProgressElsewhere;
import dev.verge.cloud.port.IdempotencyLedger.Lease;
import dev.verge.cloud.port.IdempotencyLedger.PayloadMismatch;
import dev.verge.cloud.port.IdempotencyLedger.Stamp;
import dev.verge.cloud.port.IdempotencyLedger.Status;
import dev.verge.cloud.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour of the {@link IdempotencyLedger} over every {@link MetadataStore}: each store's test extends this
 * class and says how to make the store (as for {@link MetadataStoreContract}); collections are unique per test.
 */
public abstract class IdempotencyLedgerContract {
    private static final Duration EXPIRY = Duration.ofMinutes(2);
    private static final Duration KEEP = Duration.ofDays(35);
    private static final String HASH = IdempotencyLedger.payloadHash("three records");

    /** The caller's record: its progress while in progress, its result once completed. */
    public record Note(String text, int step) {}

    protected MetadataStore store;
    protected String collection;
    protected TestClock clock;
    protected IdempotencyLedger<Note> ledger;

    protected abstract MetadataStore newStore() throws Exception;

    @BeforeEach
    void setUpLedger() throws Exception {
        store = newStore();
        collection = "l" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        clock = new TestClock(Instant.parse("2026-03-01T10:00:00Z"));
        ledger = ledger();
    }

    private IdempotencyLedger<Note> ledger() {
        // records stored before the ledger: "done" in their text were completed ones
        return new IdempotencyLedger<>(store, collection, Note.class, clock, KEEP, node -> new Stamp(
                node.path("text").asText().equals("done") ? Status.COMPLETED : Status.IN_PROGRESS, null, null, null));
    }

    private Claim<Note> claim(String key, String hash) {
        return ledger.claim(key, hash, abandoned -> abandoned.map(n -> new Note("again", n.step())).orElse(new Note("new", 0)),
                EXPIRY);
    }

    private Lease claimed(String key) {
        Claim<Note> claim = claim(key, HASH);
        assertThat(claim).isInstanceOf(Claimed.class);
        return ((Claimed<Note>) claim).lease();
    }

    @Test
    void claim_newKey_isClaimedAndStoredInProgress() {
        Claim<Note> claim = claim("batch-1", HASH);

        assertThat(claim).isInstanceOfSatisfying(Claimed.class, c -> assertThat(c.abandoned()).isEmpty());
        assertThat(ledger.get("batch-1")).contains(new Note("new", 0));
        assertThat(claim("batch-1", HASH)).isInstanceOfSatisfying(InProgressElsewhere.class, e -> {
            assertThat(e.progress()).isEqualTo(new Note("new", 0));
            assertThat(e.until()).isEqualTo(clock.instant().plus(EXPIRY));
        });
    }

    @Test
    void claim_afterCompletion_returnsTheStoredResultAndWritesNothing() {
        Lease lease = claimed("batch-1");
        assertThat(ledger.complete(lease, new Note("done", 3))).isTrue();
        long revision = store.get(collection, "batch-1").orElseThrow().revision();
        clock.advance(Duration.ofDays(1));

        assertThat(claim("batch-1", HASH)).isEqualTo(new AlreadyCompleted<>(new Note("done", 3)));
        assertThat(store.get(collection, "batch-1").orElseThrow().revision()).isEqualTo(revision);
    }

    @Test
    void claim_concurrentClaimsOfOneKey_exactlyOneWins() throws Exception {
        int racers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Claim<Note>>> claims = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                claims.add(pool.submit(() -> {
                    start.await();
                    return claim("batch-1", HASH);
                }));
            }
            start.countDown();
            List<Claim<Note>> outcomes = new ArrayList<>();
            for (Future<Claim<Note>> claim : claims) {
                outcomes.add(claim.get());
            }

            assertThat(outcomes).filteredOn(Claimed.class::isInstance).hasSize(1);
            assertThat(outcomes).filteredOn(InProgressElsewhere.class::isInstance).hasSize(racers - 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void claim_otherPayloadHash_isPayloadMismatchInProgressAndCompleted() {
        Lease lease = claimed("batch-1");
        String other = IdempotencyLedger.payloadHash("two records");

        assertThat(claim("batch-1", other)).isEqualTo(new PayloadMismatch<>(new Note("new", 0), Status.IN_PROGRESS));
        ledger.complete(lease, new Note("done", 3));
        assertThat(claim("batch-1", other)).isEqualTo(new PayloadMismatch<>(new Note("done", 3), Status.COMPLETED));
        assertThat(claim("batch-1", null)).as("no hash: not compared").isInstanceOf(AlreadyCompleted.class);
    }

    @Test
    void claim_expiredInProgress_isTakenOverWithItsProgressAndTheOldAttemptCanNoLongerWrite() {
        Lease first = claimed("batch-1");
        first = ledger.progress(first, new Note("new", 2)).orElseThrow();
        clock.advance(EXPIRY.plusSeconds(1));

        Claim<Note> takeover = claim("batch-1", HASH);

        assertThat(takeover).isInstanceOfSatisfying(Claimed.class,
                c -> assertThat(c.abandoned()).contains(new Note("new", 2)));
        assertThat(ledger.get("batch-1")).contains(new Note("again", 2));
        assertThat(ledger.progress(first, new Note("new", 3))).isEmpty();
        assertThat(ledger.complete(first, new Note("done", 3))).isFalse();
        assertThat(ledger.complete(((Claimed<Note>) takeover).lease(), new Note("done", 4))).isTrue();
        assertThat(claim("batch-1", HASH)).isEqualTo(new AlreadyCompleted<>(new Note("done", 4)));
    }

    @Test
    void claim_inProgressNotYetExpired_isNotTakenOver() {
        claimed("batch-1");
        clock.advance(EXPIRY.minusSeconds(1));

        assertThat(claim("batch-1", HASH)).isInstanceOf(InProgressElsewhere.class);
    }

    @Test
    void release_thenClaim_isClaimedAfresh() {
        Lease lease = ledger.progress(claimed("batch-1"), new Note("new", 1)).orElseThrow();

        ledger.release(lease);

        assertThat(ledger.get("batch-1")).isEmpty();
        assertThat(claim("batch-1", HASH)).isInstanceOfSatisfying(Claimed.class, c -> assertThat(c.abandoned()).isEmpty());
    }

    @Test
    void release_ofALostClaim_leavesTheTakeoverAlone() {
        Lease first = claimed("batch-1");
        clock.advance(EXPIRY.plusSeconds(1));
        claimed("batch-1");

        ledger.release(first);

        assertThat(ledger.get("batch-1")).contains(new Note("again", 0));
    }

    @Test
    void storedRecord_readsAsThePlainRecordWithTheStampBeside() throws Exception {
        ledger.complete(claimed("batch-1"), new Note("done", 3));

        String json = store.get(collection, "batch-1").orElseThrow().json();

        assertThat(CloudJson.read(json, Note.class)).isEqualTo(new Note("done", 3));
        assertThat(CloudJson.mapper().readTree(json).path(IdempotencyLedger.FIELD).path("status").asText()).isEqualTo("COMPLETED");
    }

    @Test
    void recordStoredBeforeTheLedger_isReadByTheLegacyStamp() {
        store.create(collection, "old-done", CloudJson.toString(new Note("done", 7)));
        store.create(collection, "old-unfinished", CloudJson.toString(new Note("half", 1)));

        assertThat(claim("old-done", HASH)).isEqualTo(new AlreadyCompleted<>(new Note("done", 7)));
        assertThat(claim("old-unfinished", HASH)).as("an old claim without a deadline is taken over")
                .isInstanceOfSatisfying(Claimed.class, c -> assertThat(c.abandoned()).contains(new Note("half", 1)));
    }

    @Test
    void entry_keptForItsRetentionAfterTheClaim_thenExpires() {
        assumeThat(store).as("stores that delete expired documents when asked").isInstanceOf(ExpiringDocuments.class);
        ledger.complete(claimed("batch-1"), new Note("done", 3));
        Instant claimedAt = clock.instant();

        ((ExpiringDocuments) store).deleteExpired(claimedAt.plus(KEEP).minusSeconds(1));
        assertThat(ledger.get("batch-1")).isPresent();
        ((ExpiringDocuments) store).deleteExpired(claimedAt.plus(KEEP).plusSeconds(1));
        assertThat(ledger.get("batch-1")).isEqualTo(Optional.empty());
    }
}
