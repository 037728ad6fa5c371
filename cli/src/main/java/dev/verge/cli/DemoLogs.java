package dev.verge.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The cloud's and the agents' log lines during the demo, one line each: the demo's own story stays
 * readable next to them, and a failure's stack trace (a bad model failing every request) does not
 * bury it. The exception's message stays on the line.
 */
final class DemoLogs implements AutoCloseable {
    private final List<Handler> handlers = new ArrayList<>();
    private final List<Formatter> saved = new ArrayList<>();

    private DemoLogs() {}

    static DemoLogs oneLinePerRecord() {
        DemoLogs logs = new DemoLogs();
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            logs.handlers.add(handler);
            logs.saved.add(handler.getFormatter());
            handler.setFormatter(new OneLine());
        }
        return logs;
    }

    @Override
    public void close() {
        for (int i = 0; i < handlers.size(); i++) {
            handlers.get(i).setFormatter(saved.get(i));
        }
    }

    private static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord record) {
            String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
            String component = logger.substring(logger.lastIndexOf('.') + 1);
            Throwable thrown = record.getThrown();
            return String.format("  [%s %s] %s%s%n", record.getLevel().getName().toLowerCase(java.util.Locale.ROOT), component,
                    formatMessage(record), thrown == null ? "" : " (" + firstLine(thrown.toString()) + ")");
        }

        /** ONNX Runtime's messages run over several long lines; the first 200 characters say what failed. */
        private static String firstLine(String text) {
            String line = text.lines().findFirst().orElse("");
            return line.length() <= 200 ? line : line.substring(0, 200) + "...";
        }
    }
}
