package dev.verge.cloud.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CanarySelectionTest {
    private static final List<String> TEN = IntStream.rangeClosed(1, 10).mapToObj(i -> "cam-" + i).toList();

    @Test
    void choose_sameDeployment_sameDevicesWhateverTheOrder() {
        List<String> first = CanarySelection.choose("dep-1", TEN, 30);
        List<String> reversed = CanarySelection.choose("dep-1", TEN.reversed(), 30);

        assertThat(first).hasSize(3).isEqualTo(reversed);
    }

    @Test
    void choose_roundsUpAndPicksAtLeastOne() {
        assertThat(CanarySelection.choose("dep-1", TEN, 1)).hasSize(1);
        assertThat(CanarySelection.choose("dep-1", TEN, 11)).hasSize(2);
        assertThat(CanarySelection.choose("dep-1", List.of("a", "b"), 50)).hasSize(1);
        assertThat(CanarySelection.choose("dep-1", TEN, 100)).containsExactlyElementsOf(TEN.stream().sorted().toList());
    }

    @Test
    void choose_otherDeployments_spreadOverTheGroup() {
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            chosen.addAll(CanarySelection.choose("dep-" + i, TEN, 10));
        }

        assertThat(chosen).hasSizeGreaterThan(5);
    }

    /** A group of {@code size} ids dev-0000000 ... in pages, counting what was read. */
    private static final class Group implements CanarySelection.GroupPages {
        final java.util.List<String> ids;
        int read;

        Group(int size) {
            ids = java.util.stream.IntStream.range(0, size).mapToObj(i -> String.format("dev-%07d", i)).toList();
        }

        @Override
        public java.util.List<String> page(String after, int limit) {
            int from = after == null ? 0 : java.util.Collections.binarySearch(ids, after) + 1;
            java.util.List<String> page = ids.subList(Math.min(from, ids.size()), Math.min(ids.size(), from + limit));
            read += page.size();
            return page;
        }
    }

    @Test
    void select_aGroupTooLargeToCount_takesTheRankRangeAndReadsOnlyEnoughForTheWatched() {
        Group group = new Group(200_000);

        CanarySelection.Selection selection = CanarySelection.select("dep-1", group, 10);

        assertThat(selection.count()).isNull();
        assertThat(selection.watched()).hasSize(CanarySelection.WATCHED).isSorted()
                .allMatch(id -> CanarySelection.isCanary("dep-1", id, selection.lastRank()));
        assertThat(group.read).isLessThan(10_000);
        long canaries = group.ids.stream().filter(id -> CanarySelection.isCanary("dep-1", id, selection.lastRank())).count();
        assertThat(canaries).isBetween(19_000L, 21_000L);
    }

    @Test
    void select_aGroupSmallEnoughToCount_isExactAsForAList() {
        Group group = new Group(CanarySelection.COUNTED_UP_TO);

        CanarySelection.Selection selection = CanarySelection.select("dep-1", group, 10);

        assertThat(selection.count()).isEqualTo(500);
        assertThat(group.ids.stream().filter(id -> CanarySelection.isCanary("dep-1", id, selection.lastRank())))
                .containsExactlyElementsOf(CanarySelection.choose("dep-1", group.ids, 10));
    }

    @Test
    void rankBelow_splitsTheRankRangeByPercent() {
        assertThat(CanarySelection.rankBelow(100)).isEqualTo("f".repeat(64));
        assertThat(CanarySelection.rankBelow(50)).isEqualTo("7" + "f".repeat(63));
        assertThat(CanarySelection.rankBelow(1)).hasSize(64).startsWith("028f5c28f5c28f5c");
    }
}
