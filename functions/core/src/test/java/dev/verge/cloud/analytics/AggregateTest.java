package dev.verge.cloud.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AggregateTest {

    private static List<Observation> observations(long seed, int n) {
        Random random = new Random(seed);
        List<Observation> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int status = i % 17 == 0 ? 500 : i % 23 == 0 ? 415 : 200;
            String label = random.nextBoolean() ? "ripe" : random.nextInt(5) == 0 ? "bruised" : "unripe";
            double latency = Math.exp(random.nextGaussian() + 1.5);
            out.add(new Observation(status, label, random.nextDouble(), latency, latency * 0.6));
        }
        return out;
    }

    private static Aggregate of(List<Observation> observations) {
        Aggregate a = new Aggregate();
        observations.forEach(a::add);
        return a;
    }

    @Test
    void merge_ofTwoHalves_equalsTheWhole() {
        List<Observation> all = observations(7, 10_000);
        Aggregate whole = of(all);
        Aggregate first = of(all.subList(0, 3_333));
        Aggregate second = of(all.subList(3_333, all.size()));

        Aggregate merged = Aggregate.fromDoc(first.toDoc()).merge(Aggregate.fromDoc(second.toDoc()));
        Aggregate mergedOtherWay = second.copy().merge(first);

        for (Aggregate m : List.of(merged, mergedOtherWay)) {
            assertThat(m.requests()).isEqualTo(whole.requests()).isEqualTo(10_000);
            assertThat(m.errors()).isEqualTo(whole.errors());
            assertThat(m.clientErrors()).isEqualTo(whole.clientErrors());
            assertThat(m.labels()).isEqualTo(whole.labels());
            assertThat(m.confidence()).isEqualTo(whole.confidence());
            assertThat(m.latencyCount()).isEqualTo(whole.latencyCount());
            for (double q = 0; q <= 1.0; q += 0.01) {
                assertThat(m.latencyQuantile(q)).isEqualTo(whole.latencyQuantile(q));
                assertThat(m.inferQuantile(q)).isEqualTo(whole.inferQuantile(q));
            }
            assertThat(m.toDoc()).isEqualTo(whole.toDoc());
        }
    }

    @Test
    void latencyQuantile_ofKnownValues_isWithinOnePercent() {
        Aggregate a = new Aggregate();
        for (int ms = 1; ms <= 1000; ms++) {
            a.add(new Observation(200, "ripe", 0.9, (double) ms, null));
        }
        assertThat(a.latencyQuantile(0.5)).isCloseTo(500.0, org.assertj.core.data.Percentage.withPercentage(1.5));
        assertThat(a.latencyQuantile(0.99)).isCloseTo(990.0, org.assertj.core.data.Percentage.withPercentage(1.5));
        assertThat(a.inferQuantile(0.5)).isNull();
    }

    @Test
    void add_errorsAndClientErrors_areCountedApartAndCarryNoLabel() {
        Aggregate a = new Aggregate();
        a.add(new Observation(500, null, null, 3.0, null));
        a.add(new Observation(400, "ignored", 0.5, 1.0, null));
        a.add(new Observation(200, "ripe", 1.0, 2.0, 1.0));

        assertThat(a.requests()).isEqualTo(3);
        assertThat(a.errors()).isEqualTo(1);
        assertThat(a.clientErrors()).isEqualTo(1);
        assertThat(a.errorRate()).isEqualTo(1.0 / 3);
        assertThat(a.labels()).containsExactly(java.util.Map.entry("ripe", 1L));
        assertThat(a.confidence()[Aggregate.CONFIDENCE_BINS - 1]).isEqualTo(1);
    }

    @Test
    void fromDoc_ofToDoc_roundTripsThroughJson() {
        Aggregate a = of(observations(3, 500));
        String json = dev.verge.cloud.json.CloudJson.toString(a.toDoc());
        Aggregate back = Aggregate.fromDoc(dev.verge.cloud.json.CloudJson.read(json, Aggregate.Doc.class));
        assertThat(back.toDoc()).isEqualTo(a.toDoc());
        assertThat(back.latencyQuantile(0.95)).isEqualTo(a.latencyQuantile(0.95));
    }
}
