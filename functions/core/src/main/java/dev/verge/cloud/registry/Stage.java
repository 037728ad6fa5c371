package dev.verge.cloud.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where a registered version is in its life: {@code none} after registration, {@code staging} while
 * tried, {@code production} (at most one per model), {@code archived} when retired. Promoting a
 * version to production moves the previous production version to {@code archived}, as MLflow's
 * "archive existing versions" does; rolling back is promoting the archived version again.
 */
public enum Stage {
    NONE, STAGING, PRODUCTION, ARCHIVED;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code production}, {@code Production}, ...; 400 {@code stage_invalid} listing the stages otherwise. */
    @JsonCreator
    public static Stage parse(String text) {
        if (text != null) {
            for (Stage stage : values()) {
                if (stage.name().equalsIgnoreCase(text.strip())) {
                    return stage;
                }
            }
        }
        throw new VergeException(ErrorKind.BAD_REQUEST, "stage_invalid",
                "expected a stage among " + Arrays.stream(values()).map(Stage::json).toList() + ", found "
                        + (text == null ? "none" : "\"" + ModelNames.printable(text) + "\""));
    }
}
