package dev.verge.error;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Keeps the server's own file system out of what a client reads. ONNX Runtime and the JDK name files by
 * their absolute path ("allowed directory: /srv/verge-data/tmp/verge-package-123"), which tells a caller where
 * the data lives and who the process runs as.
 */
public final class ServerPaths {
    /** A quoted absolute path, as ONNX Runtime quotes them. */
    private static final Pattern QUOTED = Pattern.compile("\"(?:/|[A-Za-z]:\\\\)[^\"]*\"");
    /** An unquoted absolute path of at least two segments (the JDK's exceptions). */
    private static final Pattern BARE = Pattern.compile("(?<![\\w.:/-])/(?:[\\w.@+-]+/)+[\\w.@+-]*");

    private ServerPaths() {}

    /**
     * {@code text} with {@code root} (the package folder) written as {@code <package>}, and every other absolute
     * path as {@code <server path>}.
     */
    public static String hide(String text, Path root) {
        if (text == null) {
            return "";
        }
        String out = text;
        if (root != null) {
            for (String form : forms(root)) {
                out = out.replace(form, "<package>");
            }
        }
        out = QUOTED.matcher(out).replaceAll("\"<server path>\"");
        return BARE.matcher(out).replaceAll("<server path>");
    }

    private static java.util.List<String> forms(Path root) {
        java.util.LinkedHashSet<String> forms = new java.util.LinkedHashSet<>();
        forms.add(root.toString());
        forms.add(root.toAbsolutePath().normalize().toString());
        try {
            forms.add(root.toRealPath().toString());
        } catch (java.io.IOException | RuntimeException e) {
            // gone already: the other spellings remain
        }
        forms.removeIf(String::isEmpty);
        // the longest first, so a real path under a symlinked temp folder is replaced whole
        return forms.stream().sorted((a, b) -> b.length() - a.length()).toList();
    }
}
