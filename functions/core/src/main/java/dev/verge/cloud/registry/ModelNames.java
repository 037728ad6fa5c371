package dev.verge.cloud.registry;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import java.util.regex.Pattern;

/**
 * Rules for model names and versions. They become blob keys ({@code models/<name>/<version>/...}),
 * metadata keys and URL path segments in three clouds, so they are kept to letters, digits, '.', '_'
 * and '-', start with a letter or digit, and never contain "..": no '/', no control characters, no
 * way to step out of a folder.
 */
public final class ModelNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private ModelNames() {}

    /** Returns {@code name}, or throws 400 {@code model_name_invalid} saying what is allowed. */
    public static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "model_name_invalid",
                    "expected a model name of 1-128 letters, digits, '.', '_' or '-' starting with a letter or digit"
                            + " and without \"..\", found " + quoted(name));
        }
        return name;
    }

    /** Returns {@code version}, or throws 400 {@code model_version_invalid} saying what is allowed. */
    public static String checkVersion(String version) {
        if (version == null || !VERSION.matcher(version).matches() || version.contains("..")) {
            throw new VergeException(ErrorKind.BAD_REQUEST, "model_version_invalid",
                    "expected a model version of 1-64 letters, digits, '.', '_' or '-' starting with a letter or digit"
                            + " and without \"..\", found " + quoted(version));
        }
        return version;
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.contains("..");
    }

    public static boolean isValidVersion(String version) {
        return version != null && VERSION.matcher(version).matches() && !version.contains("..");
    }

    private static String quoted(String text) {
        return text == null ? "nothing" : "\"" + printable(text) + "\"";
    }

    /** {@code text} with control characters shown as \\uXXXX and cut at 200 characters, safe to echo in a message or log. */
    public static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().limit(200).forEach(cp -> {
            if (Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029) {
                out.append(String.format("\\u%04X", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return text.codePointCount(0, text.length()) > 200 ? out + "..." : out.toString();
    }
}
