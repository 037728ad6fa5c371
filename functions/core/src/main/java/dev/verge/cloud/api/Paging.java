package dev.verge.cloud.api;

import dev.verge.cloud.registry.ModelNames;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A listing's {@code ?limit=} and {@code ?after=}: how many items a page holds, and the {@code next} of the page
 * before (null for the first page). 400 {@code limit_invalid} for a limit that is not a number in range.
 */
public record Paging(String after, int limit) {

    /** A page's answer: {@code {"<name>": [...], "next": ...}}, {@code next} only while there are more. */
    public static ApiResponse answer(String name, List<?> items, String next) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(name, items);
        if (next != null) {
            body.put("next", next);
        }
        return ApiResponse.json(200, body);
    }

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
