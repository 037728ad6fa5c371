package dev.verge.cloud.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.cloud.CloudConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LocalCloudCommandTest {

    private static LocalCloudCommand parsed(String... args) {
        LocalCloudCommand command = new LocalCloudCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void config_devicePollSecondsInTheEnvironment_isWhatDevicesAreTold() {
        CloudConfig config = parsed("--api-key", "k").config(List.of("k"), Map.of("VERGE_DEVICE_POLL_SECONDS", "7"));
        assertThat(config.devicePollSeconds()).isEqualTo(7);
    }

    @Test
    void config_noDevicePollSeconds_isTheDefault() {
        assertThat(parsed("--api-key", "k").config(List.of("k"), Map.of()).devicePollSeconds())
                .isEqualTo(CloudConfig.DEFAULT_DEVICE_POLL_SECONDS);
    }

    @Test
    void config_devicePollSecondsNotANumber_namesTheVariable() {
        assertThatThrownBy(() -> parsed("--api-key", "k").config(List.of("k"), Map.of("VERGE_DEVICE_POLL_SECONDS", "soon")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VERGE_DEVICE_POLL_SECONDS");
    }

    @Test
    void keys_noneGiven_generatesOneOfAtLeast16CharactersAndPrintsItOnce() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        List<String> keys = parsed().keys(null, new java.io.PrintStream(out, true));

        assertThat(keys).hasSize(1);
        assertThat(keys.get(0)).hasSizeGreaterThanOrEqualTo(CloudConfig.MIN_API_KEY_LENGTH).matches("[0-9a-f]+");
        assertThat(out.toString()).contains(keys.get(0)).contains("shown once");
        assertThat(parsed().keys(null, new java.io.PrintStream(new java.io.ByteArrayOutputStream()))).isNotEqualTo(keys);
    }

    @Test
    void keys_shortKeyFromFlagOrEnvironment_refusedWithoutNamingIt() {
        assertThatThrownBy(() -> parsed("--api-key", "s3cret").keys(null, System.out))
                .hasMessageContaining("at least 16").hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> parsed().keys("key-0123456789abcdef, short", System.out))
                .hasMessageContaining("API key 2");
        assertThat(parsed().keys("key-0123456789abcdef", System.out)).containsExactly("key-0123456789abcdef");
    }
}
