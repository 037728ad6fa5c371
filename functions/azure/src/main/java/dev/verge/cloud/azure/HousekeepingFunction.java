package dev.verge.cloud.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import dev.verge.cloud.retention.Housekeeping;
import java.util.function.Supplier;

/**
 * Housekeeping every hour: Azure Table has no TTL, so this deletes the documents that expired (batch markers,
 * event records, device rollups, ...), and it compacts old group rollups from hourly to daily documents.
 */
public class HousekeepingFunction {

    private final Supplier<AzureApp> app;

    public HousekeepingFunction() {
        this(AzureApp::get);
    }

    HousekeepingFunction(Supplier<AzureApp> app) {
        this.app = app;
    }

    @FunctionName("housekeeping")
    public void run(@TimerTrigger(name = "timer", schedule = "0 17 * * * *") String timerInfo, ExecutionContext context) {
        Housekeeping.Result result = app.get().services().analytics().housekeeping().run();
        context.getLogger().info("housekeeping: " + result.expiredDeleted() + " expired document(s) deleted, "
                + result.daysCompacted() + " day(s) of group rollups compacted (" + result.hourlyRollupsCompacted()
                + " hourly documents)");
    }
}
