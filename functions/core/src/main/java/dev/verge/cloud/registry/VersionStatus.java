package dev.verge.cloud.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Whether a version can be used. {@code pending}: claimed by a registration that is storing the
 * package; {@code registered}: validated and stored, deployable; {@code rejected}: failed validation,
 * kept with its reasons, never deployable.
 */
public enum VersionStatus {
    PENDING, REGISTERED, REJECTED;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static VersionStatus parse(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }
}
