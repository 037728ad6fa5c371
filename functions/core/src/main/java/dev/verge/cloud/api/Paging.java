package dev.verge.cloud.api;

import dev.verge.cloud.registry.ModelNames;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;

/**
 * A listing's {@code ?limit=} and {@code ?after=}: how many items a page holds, and the {@code next} of the page
 * before (null for the first page). 400 {@code limit_invalid} for a limit that is not a number in range.
 */
public record Paging(String after, int limit) {

    public static Paging of(ApiCall call, int defaultLimit, int maxLimit) {
        int limit = call.query("limit").map(l -> {
            try {
                int value = Integer.parseInt(l.strip());
                if (value >= 1 && value <= maxLimit) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // answered below
            }
            throw new VergeException(ErrorKind.BAD_REQUEST, "limit_invalid",
                    "expected limit between 1 and " + maxLimit + ", found \"" + ModelNames.printable(l) + "\"");
        }).orElse(defaultLimit);
        return new Paging(call.query("after").filter(a -> !a.isBlank()).orElse(null), limit);
    }
}
