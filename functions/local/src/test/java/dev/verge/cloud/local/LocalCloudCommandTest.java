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
}
