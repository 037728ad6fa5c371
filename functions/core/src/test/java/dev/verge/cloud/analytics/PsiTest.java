package dev.verge.cloud.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PsiTest {

    @Test
    void of_sameProportions_isZero() {
        assertThat(Psi.of(Map.of("ripe", 70, "unripe", 30), Map.of("ripe", 700, "unripe", 300))).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void of_swappedShares_matchesTheFormula() {
        double expected = (0.3 - 0.7) * Math.log(0.3 / 0.7) + (0.7 - 0.3) * Math.log(0.7 / 0.3);
        assertThat(Psi.of(Map.of("ripe", 70, "unripe", 30), Map.of("ripe", 30, "unripe", 70))).isCloseTo(expected, within(1e-12));
        assertThat(expected).isGreaterThan(0.2);
    }

    @Test
    void of_aLabelSeenOnOneSideOnly_isLargeButFinite() {
        Double psi = Psi.of(Map.of("ripe", 100), Map.of("ripe", 50, "mouldy", 50));
        assertThat(psi).isFinite().isGreaterThan(1.0);
    }

    @Test
    void of_anEmptySide_isNull() {
        assertThat(Psi.of(Map.of(), Map.of("ripe", 1))).isNull();
        assertThat(Psi.of(new double[] {0, 0}, new double[] {1, 2})).isNull();
    }
}
