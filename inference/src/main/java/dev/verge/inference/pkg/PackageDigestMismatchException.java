package dev.verge.inference.pkg;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;

/** The model file's sha256 is not the one the manifest promises: the package was altered or damaged. */
public final class PackageDigestMismatchException extends VergeException {
    private final String expected;
    private final String actual;

    public PackageDigestMismatchException(String file, String expected, String actual) {
        super(ErrorKind.UNPROCESSABLE, "package_digest_mismatch",
                "sha256 of " + file + " is " + actual + ", but manifest.json expects " + expected
                        + "; the package was altered or damaged, rebuild it or fix manifest.json");
        this.expected = expected;
        this.actual = actual;
    }

    public String expected() {
        return expected;
    }

    public String actual() {
        return actual;
    }
}
