package dev.verge.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The goals of the camera-pictures issue, checked against one run's figures; "met" is null when the run did not
 * measure it. c=4, the demo model.
 */
final class Goals {
    record Goal(String goal, Boolean met, String found) {}

    private static final String SMALL = "640x480";
    private static final String FULL_HD = "1920x1080";
    private static final String TWELVE_MP = "4000x3000";

    private Goals() {}

    static List<Goal> evaluate(String model, List<LoadBench.Row> load, List<ColdStart.Result> cold, List<MemoryBench.Row> memory) {
        List<Goal> goals = new ArrayList<>();
        for (String picture : List.of(SMALL, FULL_HD)) {
            LoadBench.Row agent = row(load, LoadBench.AGENT, model, picture);
            LoadBench.Row node = row(load, LoadBench.NODE, model, picture);
            String goal = "agent >= 2x the Node peer's requests with a lower p99 (" + picture + ")";
            if (agent == null || node == null) {
                goals.add(new Goal(goal, null, "not measured"));
                continue;
            }
            double r = agent.rps() / node.rps();
            goals.add(new Goal(goal, r >= 2 && agent.p99Ms() < node.p99Ms(), String.format(Locale.ROOT,
                    "%.2fx (%.1f vs %.1f req/s), p99 %.1f vs %.1f ms", r, agent.rps(), node.rps(), agent.p99Ms(), node.p99Ms())));
        }
        LoadBench.Row agent12 = row(load, LoadBench.AGENT, model, TWELVE_MP);
        LoadBench.Row node12 = row(load, LoadBench.NODE, model, TWELVE_MP);
        goals.add(agent12 == null || node12 == null
                ? new Goal("agent >= the Node peer's requests on 12 MP", null, "not measured")
                : new Goal("agent >= the Node peer's requests on 12 MP", agent12.rps() >= node12.rps(),
                        String.format(Locale.ROOT, "%.2fx (%.1f vs %.1f req/s)", agent12.rps() / node12.rps(), agent12.rps(),
                                node12.rps())));
        for (String picture : List.of(FULL_HD, TWELVE_MP)) {
            LoadBench.Row agent = row(load, LoadBench.AGENT, model, picture);
            LoadBench.Row node = row(load, LoadBench.NODE, model, picture);
            String goal = "agent peak RSS under load <= the Node peer's (" + picture + ")";
            goals.add(agent == null || node == null ? new Goal(goal, null, "not measured")
                    : new Goal(goal, agent.rssMaxMiB() <= node.rssMaxMiB(), String.format(Locale.ROOT,
                            "%.0f vs %.0f MiB", agent.rssMaxMiB(), node.rssMaxMiB())));
        }
        for (String picture : List.of(SMALL, FULL_HD, TWELVE_MP)) {
            LoadBench.Row agent = row(load, LoadBench.AGENT, model, picture);
            LoadBench.Row pipeline = row(load, LoadBench.PIPELINE, model, picture);
            String goal = "agent / in-process pipeline ceiling >= 0.9 (" + picture + ")";
            goals.add(agent == null || pipeline == null ? new Goal(goal, null, "not measured")
                    : new Goal(goal, agent.rps() / pipeline.rps() >= 0.9, String.format(Locale.ROOT, "%.2f (%.1f vs %.1f req/s)",
                            agent.rps() / pipeline.rps(), agent.rps(), pipeline.rps())));
        }
        LoadBench.Row small = row(load, LoadBench.AGENT, model, SMALL);
        goals.add(small == null ? new Goal("agent CPU per request <= 1.5 ms (640x480 to 224x224)", null, "not measured")
                : new Goal("agent CPU per request <= 1.5 ms (640x480 to 224x224)", small.cpuMsPerRequest() <= 1.5,
                        String.format(Locale.ROOT, "%.2f ms", small.cpuMsPerRequest())));
        ColdStart.Result agentCold = cold.stream().filter(c -> c.target().startsWith("verge-agent"))
                .min((a, b) -> Double.compare(a.medianFirstAnswerMs(), b.medianFirstAnswerMs())).orElse(null);
        ColdStart.Result nodeCold = cold.stream().filter(c -> c.target().equals(LoadBench.NODE)).findFirst().orElse(null);
        goals.add(agentCold == null || nodeCold == null
                ? new Goal("first answer no slower than the Node peer's (process start, median)", null, "not measured")
                : new Goal("first answer no slower than the Node peer's (process start, median)",
                        agentCold.medianFirstAnswerMs() <= nodeCold.medianFirstAnswerMs(), String.format(Locale.ROOT,
                                "%.0f ms (%s) vs %.0f ms", agentCold.medianFirstAnswerMs(), agentCold.target(),
                                nodeCold.medianFirstAnswerMs())));
        MemoryBench.Row shipped = memory.stream().filter(m -> m.setting().equals(MemoryBench.SHIPPED)).findFirst().orElse(null);
        goals.add(shipped == null ? new Goal("agent as shipped: RSS under load on the largest picture", null, "not measured")
                : new Goal("agent as shipped: RSS under load on the largest picture", null, String.format(Locale.ROOT,
                        "mean %.0f MiB, peak %.0f MiB, %.1f req/s", shipped.rssMeanMiB(), shipped.rssMaxMiB(), shipped.rps())));
        return goals;
    }

    private static LoadBench.Row row(List<LoadBench.Row> rows, String target, String model, String picture) {
        return rows.stream().filter(r -> r.target().equals(target) && r.model().equals(model) && r.picture().equals(picture)
                && r.concurrency() == 4).findFirst().orElse(null);
    }
}
