package dev.verge.cloud.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.cloud.testing.InMemoryMetadataStore;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RollupShardsTest {
    private static final Instant HOUR = Instant.parse("2026-12-07T10:00:00Z");

    private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    private final RollupStore rollups = new RollupStore(metadata, java.time.Duration.ofDays(14));

    private static Aggregate oneRequest() {
        Aggregate a = new Aggregate();
        a.add(new Observation(200, "ripe", 0.9, 12.0, 8.0));
        return a;
    }

    @Test
    void groupRollup_ofManyDevices_isSpreadOverShardsAndMergedOnRead() {
        IntStream.range(0, 2000).forEach(i -> rollups.add(RollupKey.group("fruit", "1", "plant", "cam-" + i, HOUR.plusSeconds(i % 3600)), oneRequest()));

        List<Rollup> read = rollups.groupRollups("fruit", "1", HOUR, HOUR.plusSeconds(3600));

        assertThat(metadata.list(RollupStore.GROUP_ROLLUPS, "")).hasSize(RollupKey.SHARDS);
        assertThat(read).hasSize(RollupKey.SHARDS).allMatch(r -> "plant".equals(r.group()) && r.hour().equals(HOUR));
        assertThat(read.stream().map(Rollup::aggregate).reduce(new Aggregate(), Aggregate::merge).requests()).isEqualTo(2000);
    }

    @Test
    void groupRollup_oneDevicesBatches_alwaysAddToTheSameShard() {
        IntStream.range(0, 20).forEach(i -> rollups.add(RollupKey.group("fruit", "1", "plant", "cam-7", HOUR.plusSeconds(i)), oneRequest()));

        assertThat(metadata.list(RollupStore.GROUP_ROLLUPS, "")).hasSize(1);
    }

    @Test
    void groupRollup_storedBeforeShards_isReadAsShardZero() {
        rollups.add(RollupKey.group("fruit", "1", "plant", HOUR), oneRequest());
        String key = metadata.list(RollupStore.GROUP_ROLLUPS, "").get(0).key();

        assertThat(key).isEqualTo("fruit/1/" + HOUR + "/plant");
        assertThat(rollups.groupRollups("fruit", "1")).singleElement().extracting(Rollup::shard).isEqualTo(0);
    }

    @Test
    void groupRollupsInHours_ofAFreshStore_readTheHoursIndexNotEveryRollup() {
        dev.verge.cloud.testing.CountingMetadataStore counting = new dev.verge.cloud.testing.CountingMetadataStore(metadata);
        RollupStore store = new RollupStore(counting, java.time.Duration.ofDays(14));
        for (int h = 0; h < 48; h++) {
            for (String model : List.of("fruit", "ocr")) {
                store.add(RollupKey.group(model, "1", "plant", "cam-" + h, HOUR.plusSeconds(3600L * h)), oneRequest());
            }
        }
        long listedBefore = counting.documentsListed();

        List<Rollup> read = store.groupRollupsInHours(null, HOUR.plusSeconds(3600L * 10), HOUR.plusSeconds(3600L * 13));
        List<Rollup> fruit = store.groupRollupsInHours("fruit", HOUR.plusSeconds(3600L * 10), HOUR.plusSeconds(3600L * 13));

        assertThat(read).hasSize(6).extracting(Rollup::model).containsOnly("fruit", "ocr");
        assertThat(fruit).hasSize(3).extracting(Rollup::model).containsOnly("fruit");
        assertThat(counting.documentsListed() - listedBefore).isEqualTo(18); // 9 index entries and 9 rollups, of 96 stored
    }

    @Test
    void groupRollupsInHours_beforeTheIndexStarted_listsTheScope() {
        metadata.create(RollupStore.GROUP_ROLLUPS, "fruit/1/" + HOUR + "/plant", dev.verge.cloud.json.CloudJson.toString(
                Rollup.of(RollupKey.group("fruit", "1", "plant", HOUR), oneRequest())));
        rollups.add(RollupKey.group("fruit", "1", "plant", "cam-1", HOUR.plusSeconds(7200)), oneRequest());

        assertThat(rollups.groupRollupsInHours(null, HOUR, HOUR.plusSeconds(4 * 3600))).hasSize(2);
    }
}
