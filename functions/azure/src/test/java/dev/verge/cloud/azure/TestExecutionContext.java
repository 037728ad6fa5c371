package dev.verge.cloud.azure;

import com.microsoft.azure.functions.ExecutionContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** The invocation context the worker passes; keeps what the function logged. */
final class TestExecutionContext implements ExecutionContext {

    private final String functionName;
    private final String invocationId = UUID.randomUUID().toString();
    private final Logger logger;
    final List<String> logged = new ArrayList<>();

    TestExecutionContext(String functionName) {
        this.functionName = functionName;
        this.logger = Logger.getLogger("test." + functionName + "." + invocationId);
        logger.setUseParentHandlers(false);
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
    }

    @Override
    public Logger getLogger() {
        return logger;
    }

    @Override
    public String getInvocationId() {
        return invocationId;
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }
}
