package dev.verge.cloud.registry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The stages of every version of one model, stored in collection {@code models} under the model's
 * name. Keeping them in one document makes "one production version per model" a single conditional
 * write: two concurrent promotions cannot both win. Versions missing from the map are {@code none}.
 * The history keeps the latest {@value #MAX_HISTORY} changes so the document stays small.
 */
public record ModelStages(String name, Map<String, Stage> stages, List<StageChange> history, Instant updatedAt) {

    public static final String COLLECTION = "models";
    static final int MAX_HISTORY = 200;

    public ModelStages {
        stages = stages == null ? Map.of() : Map.copyOf(stages);
        history = history == null ? List.of() : List.copyOf(history);
    }

    static ModelStages empty(String name) {
        return new ModelStages(name, Map.of(), List.of(), null);
    }

    public Stage stageOf(String version) {
        return stages.getOrDefault(version, Stage.NONE);
    }

    public Optional<String> production() {
        return stages.entrySet().stream()
                .filter(e -> e.getValue() == Stage.PRODUCTION)
                .map(Map.Entry::getKey)
                .findFirst();
    }

    public List<StageChange> historyOf(String version) {
        return history.stream().filter(c -> c.version().equals(version)).toList();
    }

    /**
     * The stages after moving {@code version} to {@code to}; a new production version sends the
     * previous one to {@code archived}, recorded as its own change.
     */
    ModelStages change(String version, Stage to, String by, String reason, Instant at) {
        Map<String, Stage> next = new TreeMap<>(stages);
        List<StageChange> changes = new ArrayList<>(history);
        if (to == Stage.PRODUCTION) {
            for (Map.Entry<String, Stage> e : stages.entrySet()) {
                if (e.getValue() == Stage.PRODUCTION && !e.getKey().equals(version)) {
                    next.put(e.getKey(), Stage.ARCHIVED);
                    changes.add(new StageChange(e.getKey(), Stage.PRODUCTION, Stage.ARCHIVED, by,
                            "replaced in production by version " + version, at));
                }
            }
        }
        next.put(version, to);
        changes.add(new StageChange(version, stageOf(version), to, by, reason, at));
        if (changes.size() > MAX_HISTORY) {
            changes = changes.subList(changes.size() - MAX_HISTORY, changes.size());
        }
        return new ModelStages(name, next, changes, at);
    }
}
