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
}
