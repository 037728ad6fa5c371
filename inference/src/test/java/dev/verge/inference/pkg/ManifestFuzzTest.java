package dev.verge.inference.pkg;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.verge.error.VergeException;

/**
 * Jazzer: any bytes given to {@link Manifest#parse} either parse or are refused with a
 * {@link VergeException} (a 4xx with every problem listed) — never another exception, a hang or an
 * out-of-memory. {@code mvn verify} replays the committed inputs in {@code ManifestFuzzTestInputs/};
 * {@code JAZZER_FUZZ=1 mvn -pl inference test -Dtest=ManifestFuzzTest} fuzzes for real.
 */
class ManifestFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void parse_anyBytes_parsesOrThrowsVergeException(byte[] json) {
        try {
            Manifest.parse(json);
        } catch (VergeException expected) {
            // ManifestInvalidException and friends: a client error with a reason
        }
    }
}
