package dev.verge.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The constant-pool reading the template tests rely on, over a small compiled class of this module. */
class ClassConstantsTest {

    /** What code reading settings looks like once compiled. */
    static final class Sample {
        static final String READ_BY_NAME = "VERGE_SAMPLE_NAME";

        static String composed(String source) {
            return "VERGE_SAMPLE_FAMILY_" + source; // compiled to the recipe "VERGE_SAMPLE_FAMILY_\u0001"
        }

        static String message(String value) {
            return "expected VERGE_SAMPLE_IN_TEXT to be a number, found " + value;
        }
    }

    private static Set<String> sampleConstants() throws Exception {
        Path classes = Path.of(ClassConstantsTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return ClassConstants.strings(List.of(classes), Sample.class.getName().replace('.', '/'));
    }

    /** Names built at run time, so that this test's own class holds none of them as a constant. */
    private static String name(String... parts) {
        return String.join("_", parts);
    }

    @Test
    void vergeVariables_ofACompiledClass_areItsWholeStringConstantsOnly() throws Exception {
        assertThat(Sample.message("1")).contains(name("VERGE", "SAMPLE", "IN", "TEXT"));
        assertThat(ClassConstants.vergeVariables(sampleConstants())).containsExactly(name("VERGE", "SAMPLE", "NAME"));
    }

    @Test
    void vergeVariablePrefixes_ofACompiledClass_areTheNamesItComposesAtRunTime() throws Exception {
        assertThat(Sample.composed("X")).isEqualTo(name("VERGE", "SAMPLE", "FAMILY", "X"));
        assertThat(ClassConstants.vergeVariablePrefixes(sampleConstants())).containsExactly(name("VERGE", "SAMPLE", "FAMILY", ""));
    }
}
