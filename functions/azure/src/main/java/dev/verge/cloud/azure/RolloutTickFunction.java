package dev.verge.cloud.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.TimerTrigger;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.rollout.RolloutController;
import java.util.List;
import java.util.function.Supplier;

/**
 * The rollout controller every minute: promotes canaries whose bake time passed and rolls back broken
 * ones even when no device reports. Deployments are changed with conditional writes, so overlapping
 * runs (or a run next to a device's status report) cannot both decide.
 */
public class RolloutTickFunction {

    private final Supplier<AzureApp> app;

    public RolloutTickFunction() {
        this(AzureApp::get);
    }

    RolloutTickFunction(Supplier<AzureApp> app) {
        this.app = app;
    }

    @FunctionName("rolloutTick")
    public void run(@TimerTrigger(name = "timer", schedule = "0 */1 * * * *") String timerInfo, ExecutionContext context) {
        CloudServices services = app.get().services();
        List<RolloutController.Outcome> outcomes = services.rollout().evaluate(services.clock().instant());
        for (RolloutController.Outcome outcome : outcomes) {
            if (outcome.before() != outcome.after()) {
                context.getLogger().info(outcome.deploymentId() + " (" + outcome.group() + "): " + outcome.before().json() + " -> "
                        + outcome.after().json() + ": " + outcome.reason());
            }
        }
    }
}
