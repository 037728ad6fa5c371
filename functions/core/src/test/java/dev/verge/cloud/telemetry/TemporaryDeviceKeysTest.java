package dev.verge.cloud.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.cloud.api.ApiCall;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.Caller;
import dev.verge.cloud.api.DeviceAuthenticator.AuthenticatedDevice;
import dev.verge.error.VergeException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemporaryDeviceKeysTest {
    private static ApiCall call(String id, String key) {
        return new ApiCall(new ApiRequest("POST", "/api/telemetry",
                Map.of("X-Device-Id", List.of(id), "X-Device-Key", List.of(key)), Map.of(), null), Map.of(), Caller.ANONYMOUS);
    }

    @Test
    void authenticate_knownDeviceAndKey_givesItsGroup() {
        TemporaryDeviceKeys keys = TemporaryDeviceKeys.parse(" cam-1@line-1=k1, cam-2=k2 ");
        assertThat(keys.authenticate(call("cam-1", "k1"))).isEqualTo(new AuthenticatedDevice("cam-1", "line-1"));
        assertThat(keys.authenticate(call("cam-2", "k2"))).isEqualTo(new AuthenticatedDevice("cam-2", null));
    }

    @Test
    void authenticate_wrongKeyOrUnknownDevice_is401() {
        TemporaryDeviceKeys keys = TemporaryDeviceKeys.parse("cam-1=k1");
        for (ApiCall bad : List.of(call("cam-1", "k2"), call("cam-9", "k1"), call("cam-1", ""))) {
            assertThatThrownBy(() -> keys.authenticate(bad)).isInstanceOfSatisfying(VergeException.class,
                    e -> assertThat(e.code()).isEqualTo("device_unauthorized"));
        }
        assertThatThrownBy(() -> TemporaryDeviceKeys.parse("").authenticate(call("cam-1", "k1"))).isInstanceOf(VergeException.class);
    }

    @Test
    void parse_entryWithoutKey_isRefused() {
        assertThatThrownBy(() -> TemporaryDeviceKeys.parse("cam-1=")).isInstanceOf(IllegalArgumentException.class);
    }
}
