package dev.verge.cloud.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.verge.cloud.api.ApiCall;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.Caller;
import dev.verge.cloud.api.DeviceAuthenticator;
import dev.verge.cloud.devices.DeviceIdentity;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import dev.verge.cloud.testing.TestClock;
import dev.verge.error.VergeException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceRegistryTest {
    private final TestClock clock = new TestClock();
    private final InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    private final DeviceRegistry devices = new DeviceRegistry(metadata, clock);
    private final DeviceAuthenticator byHeaders = DeviceAuthenticator.of(devices);

    private static ApiCall call(String id, String key) {
        Map<String, List<String>> headers = new HashMap<>();
        if (id != null) {
            headers.put(DeviceAuthenticator.DEVICE_ID_HEADER, List.of(id));
        }
        if (key != null) {
            headers.put(DeviceAuthenticator.DEVICE_KEY_HEADER, List.of(key));
        }
        return new ApiCall(new ApiRequest("GET", "/api/devices/" + id + "/desired", headers, Map.of(), null), Map.of(), Caller.ANONYMOUS);
    }

    private VergeException refused(String id, String key) {
        return catchThrowableOfType(VergeException.class, () -> byHeaders.authenticate(call(id, key)));
    }

    @Test
    void create_returnsTwoRandomKeys_storesOnlyTheirDigests() {
        DeviceCredentials created = devices.create("cam-1", "line-1");

        assertThat(Base64.getUrlDecoder().decode(created.primaryKey())).hasSize(32);
        assertThat(Base64.getUrlDecoder().decode(created.secondaryKey())).hasSize(32);
        assertThat(created.primaryKey()).isNotEqualTo(created.secondaryKey());
        String stored = metadata.dump().toString();
        assertThat(stored).doesNotContain(created.primaryKey()).doesNotContain(created.secondaryKey())
                .contains(DeviceKeys.hash(created.primaryKey()));
        assertThat(devices.view("cam-1").group()).isEqualTo("line-1");
    }

    @Test
    void create_takenId_is409() {
        devices.create("cam-1", "line-1");

        VergeException e = catchThrowableOfType(VergeException.class, () -> devices.create("cam-1", "line-2"));

        assertThat(e.kind().httpStatus()).isEqualTo(409);
        assertThat(e.code()).isEqualTo("device_exists");
    }

    @Test
    void create_badNames_are400() {
        assertThat(catchThrowableOfType(VergeException.class, () -> devices.create("cam 1", "line-1")).code())
                .isEqualTo("device_id_invalid");
        assertThat(catchThrowableOfType(VergeException.class, () -> devices.create("cam-1", null)).code())
                .isEqualTo("group_invalid");
    }

    @Test
    void authenticate_eitherKey_isAccepted() {
        DeviceCredentials created = devices.create("cam-1", "line-1");

        assertThat(byHeaders.authenticate(call("cam-1", created.primaryKey()))).isEqualTo(new DeviceIdentity("cam-1", "line-1"));
        assertThat(byHeaders.authenticate(call("cam-1", created.secondaryKey()))).isEqualTo(new DeviceIdentity("cam-1", "line-1"));
    }

    @Test
    void authenticate_wrongKeyUnknownDeviceOrMissingHeaders_is401() {
        DeviceCredentials created = devices.create("cam-1", "line-1");
        devices.create("cam-2", "line-1");

        for (VergeException e : List.of(refused("cam-1", created.primaryKey() + "x"), refused("cam-2", created.primaryKey()),
                refused("cam-9", created.primaryKey()), refused(null, created.primaryKey()), refused("cam-1", null),
                refused("../etc", "x"))) {
            assertThat(e.kind().httpStatus()).isEqualTo(401);
            assertThat(e.code()).isEqualTo("device_unauthorized");
        }
    }

    @Test
    void rotate_bothKeysValidDuringOverlap_retiredKeyRefusedAfter() {
        DeviceCredentials created = devices.create("cam-1", "line-1");

        // the device runs on its primary key; a new secondary is issued and handed to it
        DeviceCredentials secondary = devices.rotate("cam-1", KeySlot.SECONDARY);
        assertThat(secondary.primaryKey()).isNull();
        assertThat(byHeaders.authenticate(call("cam-1", created.primaryKey())).deviceId()).isEqualTo("cam-1");
        assertThat(byHeaders.authenticate(call("cam-1", secondary.secondaryKey())).deviceId()).isEqualTo("cam-1");
        assertThat(refused("cam-1", created.secondaryKey()).code()).isEqualTo("device_unauthorized");

        // once the device uses the new secondary, the primary is rotated and the old one retires
        DeviceCredentials primary = devices.rotate("cam-1", KeySlot.PRIMARY);
        assertThat(byHeaders.authenticate(call("cam-1", secondary.secondaryKey())).deviceId()).isEqualTo("cam-1");
        assertThat(byHeaders.authenticate(call("cam-1", primary.primaryKey())).deviceId()).isEqualTo("cam-1");
        assertThat(refused("cam-1", created.primaryKey()).code()).isEqualTo("device_unauthorized");
    }

    @Test
    void rotate_unknownDevice_is404() {
        VergeException e = catchThrowableOfType(VergeException.class, () -> devices.rotate("cam-9", KeySlot.PRIMARY));

        assertThat(e.kind().httpStatus()).isEqualTo(404);
        assertThat(e.code()).isEqualTo("device_not_found");
        assertThat(catchThrowableOfType(VergeException.class, () -> KeySlot.parse("tertiary")).code()).isEqualTo("key_slot_invalid");
    }

    @Test
    void recordStatus_keepsLastStatusAndLastSeen() {
        devices.create("cam-1", "line-1");
        StatusReport report = new StatusReport("fruit", "1", "1.29.0", "0.1.0", "serving", clock.instant(), 5, 0, null, null);

        devices.recordStatus("cam-1", report, List.of());

        DeviceView view = devices.view("cam-1");
        assertThat(view.version()).isEqualTo("1");
        assertThat(view.ortVersion()).isEqualTo("1.29.0");
        assertThat(view.lastSeen()).isEqualTo(clock.instant());
        assertThat(view.lastStatus().requests()).isEqualTo(5);
    }
}
