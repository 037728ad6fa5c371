package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SettingValuesTest {

    @Test
    void bytes_plainNumberAndBinaryUnits_returnsBytes() {
        assertThat(SettingValues.bytes("4194304")).isEqualTo(4_194_304L);
        assertThat(SettingValues.bytes("512KiB")).isEqualTo(512L * 1024);
        assertThat(SettingValues.bytes("4MiB")).isEqualTo(4L * 1024 * 1024);
        assertThat(SettingValues.bytes("4 mb")).isEqualTo(4L * 1024 * 1024);
        assertThat(SettingValues.bytes("1G")).isEqualTo(1024L * 1024 * 1024);
    }

    @Test
    void bytes_notASize_saysWhatWasExpected() {
        assertThatThrownBy(() -> SettingValues.bytes("four megs"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4MiB")
                .hasMessageContaining("'four megs'");
    }

    @Test
    void duration_unitsAndIso_returnDuration() {
        assertThat(SettingValues.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(SettingValues.duration("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(SettingValues.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(SettingValues.duration("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThat(SettingValues.duration("pt3s")).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void duration_noUnit_isRefused() {
        assertThatThrownBy(() -> SettingValues.duration("5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("found '5'");
    }

    @Test
    void countOrAuto_autoOrNumber_returnsCount() {
        assertThat(SettingValues.countOrAuto("auto", 3)).isEqualTo(3);
        assertThat(SettingValues.countOrAuto("AUTO", 3)).isEqualTo(3);
        assertThat(SettingValues.countOrAuto("2", 3)).isEqualTo(2);
        assertThatThrownBy(() -> SettingValues.countOrAuto("0", 3)).hasMessageContaining("found '0'");
        assertThatThrownBy(() -> SettingValues.countOrAuto("many", 3)).hasMessageContaining("found 'many'");
    }
}
