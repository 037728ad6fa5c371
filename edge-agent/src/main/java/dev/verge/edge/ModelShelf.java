package dev.verge.edge;

import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.ModelInfo;
import dev.verge.inference.runtime.ModelNotReadyException;
import dev.verge.inference.runtime.ModelSlot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The models the agent serves, by name, each in its own {@link ModelSlot} so each hot-swaps on its own, and the
 * device's default one (what {@code /image} and {@code /url} answer with). At most {@code maxLoaded} are in memory:
 * past that the least recently used one that can be loaded again is unloaded (its requests in flight finish first,
 * as on a swap) and loaded again by the next request that names it.
 *
 * <p>A name in a path picks its model. An agent that knows one model answers with it whatever the name, as the Custom
 * Vision export container ignores its project segment (devices written for it send any); with several, a name that
 * is none of them is 404 {@code model_not_found}.
 */
public final class ModelShelf implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ModelShelf.class.getName());

    /** Loads a model again after the budget unloaded it. */
    @FunctionalInterface
    public interface Loader {
        Model load();
    }

    private final Map<String, Entry> byName = new ConcurrentHashMap<>();
    private final int maxLoaded; // 0: no budget
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicLong unloads = new AtomicLong();
    private volatile int reserved; // loaded models that are not on the shelf but count against its budget (shadow candidates)
    private final AtomicLong reloads = new AtomicLong();
    private volatile ModelSlot spare; // a slot given from outside, taken by the first model put here
    private volatile Entry outside; // that slot while no named model is here: it is the default
    private volatile String defaultName;

    private ModelShelf(ModelSlot given, int maxLoaded) {
        if (maxLoaded < 0) {
            throw new IllegalArgumentException("max loaded models must be 0 (no limit) or more, found " + maxLoaded);
        }
        this.maxLoaded = maxLoaded;
        this.spare = given;
        this.outside = given == null ? null : new Entry(null, given, null);
    }

    /** An empty shelf holding at most {@code maxLoaded} models in memory (0: no limit). */
    public static ModelShelf withBudget(int maxLoaded) {
        return new ModelShelf(null, maxLoaded);
    }

    /**
     * A shelf around one slot that its owner swaps (tests, the bench): that slot is the default until a model is
     * put here by name, and the first model put here goes into it.
     */
    public static ModelShelf around(ModelSlot slot) {
        return new ModelShelf(slot, 0);
    }

    /** A shelf around {@code slot} with a budget: as {@link #around(ModelSlot)}. */
    public static ModelShelf around(ModelSlot slot, int maxLoaded) {
        return new ModelShelf(slot, maxLoaded);
    }

    /**
     * Serves {@code model} under its manifest's name from now on (hot swap: requests in flight finish on the one it
     * replaces); {@code loader} brings it back after an unload (null: it is never unloaded). The first model put here
     * is the default until {@link #makeDefault} says otherwise.
     */
    public void put(Model model, Loader loader) {
        String name = model.info().name();
        Entry entry = byName.computeIfAbsent(name, n -> new Entry(n, takeSpare(), loader));
        entry.loader = loader;
        entry.touch(ticks.incrementAndGet());
        entry.slot.swap(model);
        if (defaultName == null) {
            defaultName = name;
        }
        outside = null;
        keepWithinBudget(entry);
    }

    /** Makes {@code name} the model of {@code /image} and {@code /url}; it must be on the shelf. */
    public void makeDefault(String name) {
        if (!byName.containsKey(name)) {
            throw new IllegalArgumentException("no model " + name + " on the shelf, found " + names());
        }
        defaultName = name;
    }

    /** Stops serving {@code name} (its requests in flight finish first); the default moves to another model if it was. */
    public void remove(String name) {
        Entry entry = byName.remove(name);
        if (entry == null) {
            return;
        }
        entry.slot.close();
        if (name.equals(defaultName)) {
            defaultName = byName.keySet().stream().sorted().findFirst().orElse(null);
        }
    }

    /** The names of the models here, loaded or not, sorted. */
    public List<String> names() {
        return byName.keySet().stream().sorted().toList();
    }

    /** True when a model of this very name is on the shelf (a name that only reaches the one model does not count). */
    public boolean holds(String name) {
        return byName.containsKey(name);
    }

    /** The default model's name; empty before any model. */
    public Optional<String> defaultModel() {
        Entry entry = defaultEntry();
        if (entry == null) {
            return Optional.empty();
        }
        return entry.name != null ? Optional.of(entry.name) : entry.slot.current().map(ModelInfo::name);
    }

    /** What the default model is, while it is loaded. */
    public Optional<ModelInfo> current() {
        Entry entry = defaultEntry();
        return entry == null ? Optional.empty() : entry.slot.current();
    }

    /** The model named {@code name} while it is loaded. */
    public Optional<ModelInfo> current(String name) {
        Entry entry = byName.get(name);
        return entry == null ? Optional.empty() : entry.slot.current();
    }

    /** Every loaded model. */
    public List<ModelInfo> loaded() {
        List<ModelInfo> all = new ArrayList<>();
        Entry o = outside;
        if (o != null) {
            o.slot.current().ifPresent(all::add);
        }
        for (String name : names()) {
            current(name).ifPresent(all::add);
        }
        return all;
    }

    public boolean isReady() {
        return current().isPresent();
    }

    /** True when {@code name} is the default model, or there is no default yet. */
    public boolean isDefault(String name) {
        return defaultModel().map(d -> d.equals(name)).orElse(true);
    }

    public long unloadsTotal() {
        return unloads.get();
    }

    public long reloadsTotal() {
        return reloads.get();
    }

    /** A lease on the default model; 503 {@code model_not_ready} when there is none yet. */
    public ModelSlot.Lease acquire() {
        Entry entry = defaultEntry();
        if (entry == null) {
            throw new ModelNotReadyException();
        }
        return acquire(entry);
    }

    /**
     * A lease on the model {@code name} picks (see the class comment; null: the default), loaded again first when the
     * budget had unloaded it; 404 {@code model_not_found} when it picks none.
     */
    public ModelSlot.Lease acquire(String name) {
        Optional<Entry> picked = pick(name);
        if (picked.isPresent()) {
            return acquire(picked.get());
        }
        if (beforeAnyModel(name)) {
            throw new ModelNotReadyException(); // 503 until the first model, as with one slot
        }
        throw notFound(name);
    }

    /**
     * Whether {@code name} picks the default model, or would once there is one (a request on it may then be answered by
     * the cloud fallback).
     */
    public boolean picksDefault(String name) {
        Optional<Entry> picked = pick(name);
        return picked.isEmpty() ? beforeAnyModel(name) : picked.get() == defaultEntry();
    }

    /** No default model yet, and {@code name} is one that would reach it. */
    private boolean beforeAnyModel(String name) {
        return defaultEntry() == null && (name == null || byName.size() <= 1);
    }

    /** The 404 a name that picks no model gets. */
    public VergeException notFound(String name) {
        return new VergeException(ErrorKind.NOT_FOUND, "model_not_found", "this agent serves no model '" + name
                + "'; it serves " + names() + " (the default, on /image and /url: " + defaultModel().orElse("none") + ")");
    }

    private Optional<Entry> pick(String name) {
        if (name == null) {
            return Optional.ofNullable(defaultEntry());
        }
        Entry named = byName.get(name);
        if (named != null) {
            return Optional.of(named);
        }
        if (byName.size() <= 1) {
            return Optional.ofNullable(defaultEntry()); // one model (or none yet): any project segment, as the export container
        }
        return Optional.empty();
    }

    private Entry defaultEntry() {
        String name = defaultName;
        Entry entry = name == null ? null : byName.get(name);
        return entry != null ? entry : outside;
    }

    private ModelSlot.Lease acquire(Entry entry) {
        while (true) {
            try {
                ModelSlot.Lease lease = entry.slot.acquire();
                entry.touch(ticks.incrementAndGet());
                return lease;
            } catch (ModelNotReadyException e) {
                if (entry.loader == null || !byName.containsKey(entry.name)) {
                    throw e;
                }
                reload(entry);
            }
        }
    }

    private void reload(Entry entry) {
        synchronized (entry) {
            if (!entry.slot.isReady()) {
                long start = System.nanoTime();
                Model model;
                try {
                    model = entry.loader.load();
                } catch (RuntimeException e) {
                    throw new VergeException(ErrorKind.NOT_READY, "model_not_ready", "model '" + entry.name
                            + "' was unloaded to keep within --max-loaded-models and does not load again: " + e.getMessage(), e);
                }
                entry.slot.swap(model);
                reloads.incrementAndGet();
                LOG.log(System.Logger.Level.INFO, String.format("models: loaded %s %s again in %d ms",
                        entry.name, model.info().version(), (System.nanoTime() - start) / 1_000_000));
            }
        }
        entry.touch(ticks.incrementAndGet());
        keepWithinBudget(entry);
    }

    /**
     * Counts {@code count} models loaded elsewhere (the shadow candidates) against the budget: the least recently used
     * models that can come back give way to them, never the default one, so at least one model stays loaded.
     */
    public void reserve(int count) {
        reserved = Math.max(0, count);
        keepWithinBudget(defaultEntry());
    }

    /** Unloads the least recently used models that can come back until at most {@code maxLoaded} are loaded. */
    private synchronized void keepWithinBudget(Entry keep) {
        if (maxLoaded == 0) {
            return;
        }
        List<Entry> loaded = new ArrayList<>(byName.values().stream().filter(e -> e.slot.isReady()).toList());
        loaded.sort(Comparator.comparingLong(e -> e.lastUsed));
        int over = loaded.size() - Math.max(1, maxLoaded - reserved);
        for (Entry e : loaded) {
            if (over <= 0) {
                break;
            }
            if (e != keep && e.loader != null) {
                e.slot.swap(null); // closes once its requests in flight are done
                unloads.incrementAndGet();
                over--;
                LOG.log(System.Logger.Level.INFO, "models: unloaded " + e.name + " (least recently used; --max-loaded-models "
                        + maxLoaded + "), loaded again when a request names it");
            }
        }
    }

    private synchronized ModelSlot takeSpare() {
        ModelSlot given = spare;
        spare = null;
        return given != null ? given : new ModelSlot();
    }

    /** Closes every model (each once its requests in flight are done). */
    @Override
    public void close() {
        for (String name : names()) {
            Entry entry = byName.remove(name);
            if (entry != null) {
                entry.slot.close();
            }
        }
        Entry o = outside;
        if (o != null) {
            o.slot.close();
        }
        ModelSlot s = spare;
        if (s != null) {
            s.close();
        }
    }

    private static final class Entry {
        final String name; // null: a slot given from outside, named by what it holds
        final ModelSlot slot;
        volatile Loader loader;
        volatile long lastUsed;

        Entry(String name, ModelSlot slot, Loader loader) {
            this.name = name;
            this.slot = slot;
            this.loader = loader;
        }

        void touch(long tick) {
            lastUsed = tick;
        }
    }
}
