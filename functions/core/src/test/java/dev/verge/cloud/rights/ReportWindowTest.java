package dev.verge.cloud.rights;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportWindowTest {
    private static final Instant DEPLOYED = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final RightsConfig CONFIG = RightsConfig.defaults();
    private static final Duration SKEW = CONFIG.clockSkew();

    private static ReportWindow window(Instant lastSent, Instant now) {
        return ReportWindow.of("cam-1", List.of(new SentVersion("cam-1", "fq", "2", "dep-1", DEPLOYED, DEPLOYED, lastSent)), now, CONFIG);
    }

    @Test
    void check_recordTimeAroundTheDeploymentStart_acceptedWithinTheSkewOnly() {
        ReportWindow window = window(NOW, NOW);

        assertThat(window.check("fq", "2", DEPLOYED.minus(SKEW))).isEmpty();
        assertThat(window.check("fq", "2", DEPLOYED.minus(SKEW).minusSeconds(1)))
                .hasValueSatisfying(r -> assertThat(r.field()).isEqualTo("time"));
    }

    @Test
    void check_recordTimeAheadOfTheCloudsClock_acceptedWithinTheSkewOnly() {
        ReportWindow window = window(NOW, NOW);

        assertThat(window.check("fq", "2", NOW.plus(SKEW))).isEmpty();
        assertThat(window.check("fq", "2", NOW.plus(SKEW).plusSeconds(1)))
                .hasValueSatisfying(r -> assertThat(r.reason()).contains("clock"));
        assertThat(window.check(null, null, NOW.plus(SKEW).plusSeconds(1))).isPresent();
    }

    @Test
    void check_versionSentLongerAgoThanTheRetention_orNeverSent_isRefused() {
        Instant lastSent = NOW.minus(CONFIG.retention()).minusSeconds(1);

        assertThat(window(lastSent, NOW).check("fq", "2", NOW)).hasValueSatisfying(r -> assertThat(r.field()).isEqualTo("version"));
        assertThat(window(NOW.minus(CONFIG.retention()), NOW).check("fq", "2", NOW)).isEmpty();
        assertThat(window(NOW, NOW).check("fq", "3", NOW)).hasValueSatisfying(r -> assertThat(r.reason()).contains("never sent"));
        assertThat(window(NOW, NOW).check("other", "2", NOW)).isPresent();
    }

    @Test
    void check_recordsNoModelAnswered_acceptedWithinTheRetention() {
        ReportWindow window = window(NOW, NOW);

        assertThat(window.check(null, null, NOW.minus(Duration.ofDays(6)))).isEmpty();
        assertThat(window.check(null, null, NOW.minus(CONFIG.retention()).minus(SKEW).minusSeconds(1))).isPresent();
    }
}
