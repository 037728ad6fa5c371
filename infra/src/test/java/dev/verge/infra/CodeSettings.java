package dev.verge.infra;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The VERGE_ settings a deployment artifact's classes read: whole names, and prefixes of names they compose
 * at run time (a family such as {@code VERGE_WEBHOOK_SECRET_<SOURCE>}, written {@code VERGE_WEBHOOK_SECRET_*}).
 */
record CodeSettings(Set<String> names, Set<String> prefixes) {

    static CodeSettings of(List<Path> jarsOrFolders) {
        return new CodeSettings(ClassConstants.vergeVariables(jarsOrFolders), ClassConstants.vergeVariablePrefixes(jarsOrFolders));
    }

    /**
     * What the code reads that {@code isSet} does not cover and {@code unsetOnPurpose} does not excuse: names, and
     * families ("PREFIX*") of which the deployment sets no member.
     */
    Set<String> missing(java.util.function.Predicate<String> isSet, Set<String> settingNames, Map<String, String> unsetOnPurpose) {
        Set<String> missing = new TreeSet<>();
        for (String name : names) {
            if (!isSet.test(name) && !unsetOnPurpose.containsKey(name) && !unsetOnPurpose.containsKey(familyOf(name))) {
                missing.add(name);
            }
        }
        for (String prefix : prefixes) {
            if (settingNames.stream().noneMatch(n -> n.startsWith(prefix)) && !unsetOnPurpose.containsKey(prefix + "*")) {
                missing.add(prefix + "*");
            }
        }
        return missing;
    }

    /** Whether a VERGE_ setting a deployment sets is one the code reads (by name or as a member of a family). */
    boolean reads(String name) {
        return names.contains(name) || prefixes.stream().anyMatch(name::startsWith);
    }

    private String familyOf(String name) {
        return prefixes.stream().filter(name::startsWith).findFirst().map(p -> p + "*").orElse("");
    }
}
