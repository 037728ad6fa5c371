package dev.verge.cli;

/** Exit codes scripts can rely on. */
final class ExitCodes {
    static final int OK = 0;
    /** The cloud understood and refused: validation errors, conflicts, unknown names (HTTP 4xx). */
    static final int REFUSED = 1;
    /** The command line itself is wrong (picocli's own code for usage errors). */
    static final int USAGE = 2;
    /** The cloud could not be reached or failed (connection refused, timeout, HTTP 5xx). */
    static final int UNAVAILABLE = 3;

    static final String DESCRIPTION =
            "Exit codes: 0 done, 1 refused by the cloud (4xx, reasons printed), 2 bad command line, 3 cloud unreachable or failing.";

    private ExitCodes() {}
}
