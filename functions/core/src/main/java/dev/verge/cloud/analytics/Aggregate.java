package dev.verge.cloud.analytics;

import com.datadoghq.sketch.ddsketch.DDSketch;
import com.datadoghq.sketch.ddsketch.DDSketches;
import com.datadoghq.sketch.ddsketch.encoding.ByteArrayInput;
import com.datadoghq.sketch.ddsketch.encoding.GrowingByteArrayOutput;
import com.datadoghq.sketch.ddsketch.store.UnboundedSizeDenseStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts, error counts, latency quantiles, label mix and a confidence histogram of a set of
 * requests, in a form that merges exactly: every field is a sum (counts, histogram bins, and the
 * DDSketch's bins), so two halves aggregated apart and merged equal the whole, in any order.
 * Latency quantiles come from a DDSketch with 1% relative accuracy (a p95 of 80 ms is within 0.8 ms).
 *
 * <p>Errors are answers with status 500 and above (the model or the agent failed); 4xx answers (a
 * camera sent something that is not an image) are counted apart as client errors. Labels and
 * confidences come from successful answers only. {@code rejected} counts records the cloud could not
 * read (not requests: their fields are not trusted); they are kept apart from {@code requests}.
 */
public final class Aggregate {
    /** Confidence histogram bins: [0, 0.1), [0.1, 0.2), ..., [0.9, 1.0]. */
    public static final int CONFIDENCE_BINS = 10;
    static final double RELATIVE_ACCURACY = 0.01;

    private long requests;
    private long errors;
    private long clientErrors;
    private long rejected;
    private final TreeMap<String, Long> labels = new TreeMap<>();
    private final long[] confidence = new long[CONFIDENCE_BINS];
    private final DDSketch latencyMs;
    private final DDSketch inferMs;

    public Aggregate() {
        this(newSketch(), newSketch());
    }

    private Aggregate(DDSketch latencyMs, DDSketch inferMs) {
        this.latencyMs = latencyMs;
        this.inferMs = inferMs;
    }

    private static DDSketch newSketch() {
        return DDSketches.unboundedDense(RELATIVE_ACCURACY);
    }

    public void add(Observation o) {
        requests++;
        if (o.status() >= 500) {
            errors++;
        } else if (o.status() >= 400) {
            clientErrors++;
        } else {
            if (o.label() != null) {
                labels.merge(o.label(), 1L, Long::sum);
            }
            if (o.probability() != null) {
                confidence[confidenceBin(o.probability())]++;
            }
        }
        if (o.latencyMs() != null) {
            latencyMs.accept(o.latencyMs());
        }
        if (o.inferMs() != null) {
            inferMs.accept(o.inferMs());
        }
    }

    /** Counts {@code n} records that were rejected. */
    public void reject(long n) {
        rejected += n;
    }

    static int confidenceBin(double probability) {
        return Math.min(CONFIDENCE_BINS - 1, Math.max(0, (int) Math.floor(probability * CONFIDENCE_BINS)));
    }

    /** Adds everything {@code other} counted to this one. */
    public Aggregate merge(Aggregate other) {
        requests += other.requests;
        errors += other.errors;
        clientErrors += other.clientErrors;
        rejected += other.rejected;
        other.labels.forEach((label, n) -> labels.merge(label, n, Long::sum));
        for (int i = 0; i < CONFIDENCE_BINS; i++) {
            confidence[i] += other.confidence[i];
        }
        latencyMs.mergeWith(other.latencyMs);
        inferMs.mergeWith(other.inferMs);
        return this;
    }

    public long requests() {
        return requests;
    }

    public long errors() {
        return errors;
    }

    public long clientErrors() {
        return clientErrors;
    }

    public long rejected() {
        return rejected;
    }

    /** Errors (status >= 500) per request; 0 when there were none. */
    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }

    public Map<String, Long> labels() {
        return java.util.Collections.unmodifiableMap(labels);
    }

    public long[] confidence() {
        return confidence.clone();
    }

    public long latencyCount() {
        return (long) latencyMs.getCount();
    }

    /** The latency at quantile {@code q} (0..1), or null when no latency was reported. */
    public Double latencyQuantile(double q) {
        return latencyMs.isEmpty() ? null : latencyMs.getValueAtQuantile(q);
    }

    public Double inferQuantile(double q) {
        return inferMs.isEmpty() ? null : inferMs.getValueAtQuantile(q);
    }

    public boolean isEmpty() {
        return requests == 0 && rejected == 0;
    }

    /** The stored form (the sketches as Base64 of the library's own binary encoding). */
    public Doc toDoc() {
        List<Long> bins = new ArrayList<>(CONFIDENCE_BINS);
        for (long n : confidence) {
            bins.add(n);
        }
        return new Doc(requests, errors, clientErrors, new TreeMap<>(labels), bins, encode(latencyMs), encode(inferMs),
                rejected);
    }

    public static Aggregate fromDoc(Doc doc) {
        Aggregate a = new Aggregate(decode(doc.latencyMs()), decode(doc.inferMs()));
        a.requests = doc.requests();
        a.errors = doc.errors();
        a.clientErrors = doc.clientErrors();
        a.rejected = doc.rejected();
        if (doc.labels() != null) {
            a.labels.putAll(doc.labels());
        }
        if (doc.confidence() != null) {
            for (int i = 0; i < Math.min(CONFIDENCE_BINS, doc.confidence().size()); i++) {
                a.confidence[i] = doc.confidence().get(i);
            }
        }
        return a;
    }

    public Aggregate copy() {
        return fromDoc(toDoc());
    }

    private static String encode(DDSketch sketch) {
        GrowingByteArrayOutput out = GrowingByteArrayOutput.withDefaultInitialCapacity();
        try {
            sketch.encode(out, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a latency sketch", e);
        }
        return Base64.getEncoder().encodeToString(out.trimmedCopy());
    }

    private static DDSketch decode(String base64) {
        if (base64 == null || base64.isEmpty()) {
            return newSketch();
        }
        try {
            return DDSketch.decode(ByteArrayInput.wrap(Base64.getDecoder().decode(base64)), UnboundedSizeDenseStore::new);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored latency sketch is corrupt", e);
        }
    }

    /**
     * The JSON form of an aggregate inside a rollup document.
     *
     * @param confidence counts per confidence bin, {@link #CONFIDENCE_BINS} of them
     * @param latencyMs  Base64 of the DDSketch encoding of total latencies
     * @param inferMs    the same for the inference step alone
     * @param rejected   records rejected (0 in documents written before it existed)
     */
    public record Doc(long requests, long errors, long clientErrors, Map<String, Long> labels, List<Long> confidence,
                      String latencyMs, String inferMs, long rejected) {}
}
