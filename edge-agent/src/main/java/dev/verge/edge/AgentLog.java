package dev.verge.edge;

import java.time.ZonedDateTime;

/** One line per log record on stderr, which is what journald, IoT Edge and Greengrass collect. */
final class AgentLog {
    private static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";
    private static final String FORMAT = "%1$tFT%1$tT.%1$tL%1$tz %4$s %3$s: %5$s%6$s%n";

    private AgentLog() {}

    /** Call before the first logger is created; a format given with -D wins. */
    static void configure() {
        if (System.getProperty(FORMAT_PROPERTY) == null) {
            System.setProperty(FORMAT_PROPERTY, FORMAT);
        }
    }

    /**
     * Logs from a shutdown hook. java.util.logging closes its handlers in a shutdown hook of its own,
     * which may run first and swallow the record, so this line goes to stderr directly.
     */
    static void atShutdown(String logger, String message) {
        System.err.print(String.format(FORMAT, ZonedDateTime.now(), logger, logger, "INFO", message, ""));
        System.err.flush();
    }
}
