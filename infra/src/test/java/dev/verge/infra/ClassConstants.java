package dev.verge.infra;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The string literals compiled into a deployment artifact's classes, read from their constant pools.
 * Whatever a function reads from its environment, by {@code System.getenv("VERGE_X")}, {@code env.get(X)} with
 * {@code X = "VERGE_X"} or any other way, its name is a string constant of some class in the artifact, so this
 * sees what the code really reads, whichever module it comes from, without a list kept by hand.
 */
final class ClassConstants {

    private ClassConstants() {}

    /** Every string constant of the classes under {@code packagePrefix} (e.g. "dev/verge/") in jars or folders. */
    static Set<String> strings(List<Path> jarsOrFolders, String packagePrefix) {
        Set<String> strings = new TreeSet<>();
        for (Path location : jarsOrFolders) {
            try {
                if (Files.isDirectory(location)) {
                    try (Stream<Path> files = Files.walk(location)) {
                        for (Path file : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                            if (location.relativize(file).toString().replace('\\', '/').startsWith(packagePrefix)) {
                                try (InputStream in = Files.newInputStream(file)) {
                                    strings.addAll(read(in));
                                }
                            }
                        }
                    }
                } else {
                    try (ZipFile zip = new ZipFile(location.toFile())) {
                        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                            ZipEntry entry = e.nextElement();
                            if (entry.getName().startsWith(packagePrefix) && entry.getName().endsWith(".class")) {
                                try (InputStream in = zip.getInputStream(entry)) {
                                    strings.addAll(read(in));
                                }
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not read the classes of " + location, e);
            }
        }
        return strings;
    }

    /** The environment variable names among them: VERGE_ and upper case, digits, underscores. */
    static Set<String> vergeVariables(List<Path> jarsOrFolders) {
        return vergeVariables(strings(jarsOrFolders, "dev/verge/"));
    }

    static Set<String> vergeVariables(Set<String> constants) {
        Set<String> names = new TreeSet<>();
        constants.stream().filter(isVergeVariable()).forEach(names::add);
        return names;
    }

    /**
     * Prefixes of variable names the code composes at run time, e.g. {@code "VERGE_WEBHOOK_SECRET_" + source}:
     * javac keeps such a concatenation as the recipe {@code "VERGE_WEBHOOK_SECRET_\u0001"}, a constant folded
     * prefix stays a literal ending in '_'.
     */
    static Set<String> vergeVariablePrefixes(List<Path> jarsOrFolders) {
        return vergeVariablePrefixes(strings(jarsOrFolders, "dev/verge/"));
    }

    static Set<String> vergeVariablePrefixes(Set<String> constants) {
        Set<String> prefixes = new TreeSet<>();
        for (String s : constants) {
            String head = s.contains("\u0001") ? s.substring(0, s.indexOf('\u0001')) : s;
            if (head.matches("VERGE_[A-Z0-9_]*_") && !head.contains("__")) {
                prefixes.add(head);
            }
        }
        return prefixes;
    }

    static Predicate<String> isVergeVariable() {
        return s -> s.matches("VERGE_[A-Z0-9_]*[A-Z0-9]");
    }

    /** The CONSTANT_String entries of one class file (JVMS 4.4). */
    static Set<String> read(InputStream classFile) throws IOException {
        DataInputStream in = new DataInputStream(classFile);
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        Map<Integer, String> utf8 = new HashMap<>();
        Set<Integer> stringRefs = new java.util.HashSet<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8.put(i, in.readUTF());
                case 8 -> stringRefs.add(in.readUnsignedShort());
                case 7, 16, 19, 20 -> in.skipBytes(2);
                case 15 -> in.skipBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                case 5, 6 -> {
                    in.skipBytes(8);
                    i++; // long and double take two slots
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at " + i);
            }
        }
        Set<String> strings = new TreeSet<>();
        stringRefs.forEach(ref -> strings.add(utf8.get(ref)));
        return strings;
    }
}
