package dev.verge.cloud.events;

import dev.verge.cloud.registry.UploadOutcome;
import java.time.Clock;

/**
 * The use case of an object created in a bucket or container, whichever door announced it. Every door
 * only decodes its envelope into a {@link BlobUpload}: the S3 notification handler, the blob trigger and
 * the local folder watcher call {@link #received}; EventBridge and Event Grid deliveries, which carry other
 * events too, reach the same {@link ModelEvents#handle} through {@link EventIntake}. There, once for every
 * door: the audit record (collection {@value EventRecord#COLLECTION}, source = the door) claimed before
 * anything is done, so an object state announced again changes nothing; the blob rules of
 * {@link EventRules} (store and key prefix); then the registry, idempotent on key + ETag.
 */
public final class BlobUploads {

    /**
     * What an upload led to, in the registry's words.
     *
     * @param duplicate the same object state had been announced before (then nothing changed)
     */
    public record Outcome(UploadOutcome.Result result, String model, String version, String reason, boolean duplicate) {

        static Outcome of(ModelEvents.Result handled) {
            EventRecord r = handled.record();
            UploadOutcome.Result result = switch (r.outcome()) {
                case REGISTERED -> handled.duplicate() ? UploadOutcome.Result.ALREADY_REGISTERED : UploadOutcome.Result.REGISTERED;
                case UNCHANGED, PROMOTED, ARCHIVED -> UploadOutcome.Result.ALREADY_REGISTERED;
                case REJECTED -> UploadOutcome.Result.REJECTED;
                case IGNORED -> UploadOutcome.Result.IGNORED;
                case PROCESSING -> UploadOutcome.Result.IGNORED;
            };
            String reason = r.outcome() == EventOutcome.PROCESSING
                    ? "another delivery of the same object state is being handled" : r.reason();
            return new Outcome(result, r.model(), r.version(), reason, handled.duplicate());
        }
    }

    private final ModelEvents events;
    private final Clock clock;

    public BlobUploads(ModelEvents events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    /**
     * Applies one upload announced by {@code door}, which has no delivery id of its own: the object state
     * ({@link BlobUpload#objectState()}) is the delivery.
     *
     * @param by who uploaded, as the door knows it (the S3 principal, the trigger's name)
     * @throws RuntimeException only when retrying may help (a store is unreachable); nothing is then recorded
     */
    public Outcome received(EventSource door, String by, BlobUpload upload) {
        return Outcome.of(events.handle(new Delivery(door, upload.objectState(), clock.instant(), by, upload)));
    }
}
