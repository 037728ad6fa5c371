package dev.verge.edge;

/** One line per log record on stderr, which is what journald, IoT Edge and Greengrass collect. */
final class AgentLog {
    private static final String FORMAT_PROPERTY = "java.util.logging.SimpleFormatter.format";

    private AgentLog() {}

    /** Call before the first logger is created; a format given with -D wins. */
    static void configure() {
        if (System.getProperty(FORMAT_PROPERTY) == null) {
            System.setProperty(FORMAT_PROPERTY, "%1$tFT%1$tT.%1$tL%1$tz %4$s %3$s: %5$s%6$s%n");
        }
    }
}
