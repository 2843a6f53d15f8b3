package io.github.factorytwin.anomaly;

import io.github.factorytwin.context.RegimeFinder;
import io.github.factorytwin.context.Regimes;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The operating regimes of each model scope key, for conditioning the learned models on the operating context:
 * {@link #regimeOf} names the regime a reading's context fields fall into within its scope key ({@link
 * RegimeFinder}), which the engine makes part of the model key ({@link AnomalyEngine.Reading#regime()}). Each
 * regime thus has its own model and warm-up, so a change of regime is not an anomaly (the new regime's readings are
 * learned, or scored by that regime's model), while a deviation within a regime is.
 *
 * <p>Memory: the regimes of at most {@code maxScopes} scope keys (least recently used dropped, saved first when
 * they hold a regime not saved yet), each at most the finder's maximum regimes. Persistence: a regime's number is
 * part of model keys, so the regimes of a scope must be saved before any model of a new regime is ({@link
 * #saveNewRegimes}, called before a model is saved); they are only appended, so a later save is a superset.
 * Regimes are not part of an engine batch: a FlowFile that is rolled back leaves the regimes its readings opened
 * (its replay finds them again). Thread-safe (one lock: the work per reading is a few comparisons).
 */
public final class ScopeRegimes {

    /** Where the regimes of a scope key are kept across restarts. */
    public interface Store {
        /** Adds the saved regimes of {@code scopeKey} to {@code into} (none when nothing was saved). */
        void load(String scopeKey, Regimes into) throws IOException;

        void save(String scopeKey, Regimes regimes) throws IOException;
    }

    /** Told what could not be loaded or saved (the regimes are then learned anew, or saved later). */
    public interface Problems {
        void report(String what, String scopeKey, Exception e);
    }

    private static final class Scope {
        final Regimes regimes;
        /** Readings joined since the regimes were last saved. */
        boolean moved;

        Scope(Regimes regimes) {
            this.regimes = regimes;
        }
    }

    private final AnomalyDetector.Scope scope;
    private final RegimeFinder finder;
    /** The names of the regimes: their numbers from 1 (made once). */
    private final String[] names;

    private final int fields;
    private final Store store;
    private final Problems problems;
    private final Map<String, Scope> scopes;
    /** Scopes with a regime that is not saved yet. */
    private final Set<String> unsaved = new LinkedHashSet<>();

    /**
     * @param scope which readings share a model (and so a set of regimes)
     * @param fields context fields per reading
     * @param maxScopes scope keys whose regimes are kept in memory
     * @param store where regimes are kept across restarts; null for none
     */
    public ScopeRegimes(
            AnomalyDetector.Scope scope,
            RegimeFinder finder,
            int fields,
            int maxScopes,
            Store store,
            Problems problems) {
        if (maxScopes < 1) {
            throw new IllegalArgumentException("at least one scope key must be kept");
        }
        this.scope = scope;
        this.finder = finder;
        this.names = new String[finder.maxRegimes()];
        for (int r = 0; r < names.length; r++) {
            names[r] = String.valueOf(r + 1);
        }
        this.fields = fields;
        this.store = store;
        this.problems = problems;
        this.scopes = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Scope> eldest) {
                if (size() <= maxScopes) {
                    return false;
                }
                if (unsaved.remove(eldest.getKey())) {
                    save(eldest.getKey(), eldest.getValue());
                }
                return true;
            }
        };
    }

    /**
     * The regime of a reading of machine {@code machineId} (of type {@code machineType}) with operating context
     * {@code context} within its scope key: its number from 1; null when the context is incomplete (a value
     * missing or not finite).
     */
    public synchronized String regimeOf(String machineId, String machineType, double[] context) {
        String scopeKey = scope.key(machineId, machineType);
        Scope found = scopes.get(scopeKey);
        if (found == null) {
            found = load(scopeKey);
            scopes.put(scopeKey, found);
        }
        int before = found.regimes.count();
        int regime = finder.assign(found.regimes, context);
        if (regime < 0) {
            return null;
        }
        found.moved = true;
        if (found.regimes.count() > before) {
            unsaved.add(scopeKey);
        }
        return names[regime];
    }

    /** Regimes found so far for {@code scopeKey} (0 when it is not in memory). */
    public synchronized int regimeCount(String scopeKey) {
        Scope scope = scopes.get(scopeKey);
        return scope == null ? 0 : scope.regimes.count();
    }

    /** Saves every scope that found a regime since its last save: call before saving a model. */
    public synchronized void saveNewRegimes() {
        for (Iterator<String> it = unsaved.iterator(); it.hasNext(); ) {
            String key = it.next();
            it.remove();
            save(key, scopes.get(key));
        }
    }

    /** Saves every scope whose regimes changed (their centres follow the readings): call when stopping. */
    public synchronized void saveAll() {
        unsaved.clear();
        scopes.forEach((key, found) -> {
            if (found.moved) {
                save(key, found);
            }
        });
    }

    private Scope load(String scopeKey) {
        Regimes regimes = new Regimes(fields);
        if (store != null) {
            try {
                store.load(scopeKey, regimes);
            } catch (IOException | RuntimeException e) {
                problems.report("load", scopeKey, e);
                regimes = new Regimes(fields);
            }
        }
        return new Scope(regimes);
    }

    private void save(String scopeKey, Scope found) {
        if (store == null || found == null) {
            return;
        }
        try {
            store.save(scopeKey, found.regimes);
            found.moved = false;
        } catch (IOException | RuntimeException e) {
            problems.report("save", scopeKey, e);
        }
    }
}
