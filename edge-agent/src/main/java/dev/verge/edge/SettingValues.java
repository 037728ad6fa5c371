package dev.verge.edge;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the human forms settings are written in, on a command line or in an environment variable:
 * sizes like {@code 4MiB}, {@code 512KiB} or {@code 4194304}, and durations like {@code 5s},
 * {@code 250ms}, {@code 2m}, {@code 7d} or ISO-8601 {@code PT5S}.
 */
public final class SettingValues {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|kib|kb|k|mib|mb|m|gib|gb|g)");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private SettingValues() {}

    /** Bytes; KiB/KB/K all mean 1024 so that "4MB" is the 4 MiB users mean. */
    public static long bytes(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size such as 4194304, 512KiB or 4MiB, found '" + text + "'");
        }
        long number = Long.parseLong(m.group(1));
        long unit = switch (m.group(2)) {
            case "", "b" -> 1L;
            case "kib", "kb", "k" -> 1024L;
            case "mib", "mb", "m" -> 1024L * 1024;
            default -> 1024L * 1024 * 1024;
        };
        return Math.multiplyExact(number, unit);
    }

    public static Duration duration(String text) {
        String t = text.trim();
        if (t.regionMatches(true, 0, "PT", 0, 2)) {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        }
        Matcher m = DURATION.matcher(t.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a duration such as 250ms, 5s, 2m, 7d or PT5S, found '" + text + "'");
        }
        long number = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(number);
            case "s" -> Duration.ofSeconds(number);
            case "m" -> Duration.ofMinutes(number);
            case "h" -> Duration.ofHours(number);
            default -> Duration.ofDays(number);
        };
    }

    /** {@code auto} (or empty) gives {@code auto}, otherwise a positive number. */
    static int countOrAuto(String text, int auto) {
        String t = text.trim();
        if (t.isEmpty() || t.equalsIgnoreCase("auto")) {
            return auto;
        }
        try {
            int n = Integer.parseInt(t);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with what was expected
        }
        throw new IllegalArgumentException("expected 'auto' or a whole number of at least 1, found '" + text + "'");
    }
}
