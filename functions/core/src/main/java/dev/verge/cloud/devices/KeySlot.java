package dev.verge.cloud.devices;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.util.Locale;

/** A device's two keys: either is accepted, so one can be replaced while the device still uses the other. */
public enum KeySlot {
    PRIMARY, SECONDARY;

    public static KeySlot parse(String text) {
        for (KeySlot slot : values()) {
            if (slot.json().equals(text)) {
                return slot;
            }
        }
        throw new VergeException(ErrorKind.BAD_REQUEST, "key_slot_invalid",
                "expected key slot primary or secondary, found \"" + text + "\"");
    }

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
