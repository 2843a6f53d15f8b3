package io.github.factorytwin.anomaly;

import io.github.factorytwin.context.RegimeFinder;
import io.github.factorytwin.context.Regimes;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Conditions the learned models on the operating context: a reading's model key is its scope key and the
 * operating regime its context fields fall into within that scope ({@link RegimeFinder}). Each regime thus has its
 * own model and warm-up, so a change of regime is not an anomaly (the new regime's readings are learned, or scored
 * by the model of that regime), while a deviation within a regime is.
 *
 * <p>Memory: the regimes of at most {@code maxScopes} scope keys (least recently used dropped, saved first when
 * they hold a regime not saved yet), each at most the finder's maximum regimes. Persistence: a regime's index is
 * part of model keys, so the regimes of a scope must be saved before any model of a new regime is ({@link
 * #saveNewRegimes}, called before a model is saved); they are only appended, so a later save is a superset.
 * Thread-safe (one lock: the work per reading is a few comparisons).
 */
public final class RegimeModelKeys {

    /** Between the scope key and the regime number in a model key (a number ends it, so keys never collide). */
    static final String SEPARATOR = " | regime ";

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
        /** The model key of each regime (made once). */
        String[] keys = new String[0];
        /** Readings joined since the regimes were last saved. */
        boolean moved;

        Scope(Regimes regimes) {
            this.regimes = regimes;
        }
    }

    private final RegimeFinder finder;
    private final int fields;
    private final Store store;
    private final Problems problems;
    private final Map<String, Scope> scopes;
    /** Scopes with a regime that is not saved yet. */
    private final Set<String> unsaved = new LinkedHashSet<>();

    /**
     * @param fields context fields per reading
     * @param maxScopes scope keys whose regimes are kept in memory
     * @param store where regimes are kept across restarts; null for none
     */
    public RegimeModelKeys(RegimeFinder finder, int fields, int maxScopes, Store store, Problems problems) {
        if (maxScopes < 1) {
            throw new IllegalArgumentException("at least one scope key must be kept");
        }
        this.finder = finder;
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
     * The key of the model that scores a reading of scope {@code scopeKey} with operating context {@code context};
     * null when the context is incomplete (a value missing or not finite).
     */
    public synchronized String modelKey(String scopeKey, double[] context) {
        Scope scope = scopes.get(scopeKey);
        if (scope == null) {
            scope = load(scopeKey);
            scopes.put(scopeKey, scope);
        }
        int regime = finder.assign(scope.regimes, context);
        if (regime < 0) {
            return null;
        }
        scope.moved = true;
        if (regime >= scope.keys.length) {
            int from = scope.keys.length;
            scope.keys = Arrays.copyOf(scope.keys, scope.regimes.count());
            for (int r = from; r < scope.keys.length; r++) {
                scope.keys[r] = scopeKey + SEPARATOR + (r + 1);
            }
            unsaved.add(scopeKey);
        }
        return scope.keys[regime];
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
        scopes.forEach((key, scope) -> {
            if (scope.moved) {
                save(key, scope);
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
        Scope scope = new Scope(regimes);
        scope.keys = new String[regimes.count()];
        for (int r = 0; r < scope.keys.length; r++) {
            scope.keys[r] = scopeKey + SEPARATOR + (r + 1);
        }
        return scope;
    }

    private void save(String scopeKey, Scope scope) {
        if (store == null || scope == null) {
            return;
        }
        try {
            store.save(scopeKey, scope.regimes);
            scope.moved = false;
        } catch (IOException | RuntimeException e) {
            problems.report("save", scopeKey, e);
        }
    }
}
