package io.github.factorytwin.health;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The one registry of the machines' committed {@link MachineState}s behind {@link HealthEngine}: kept as bytes in a
 * {@link HealthStateStore} (in memory, at most its maximum of machines, and, when it has a directory, in its
 * snapshot and journal). A {@link HealthEngine.Batch} checks out private copies and publishes them in one {@link
 * #commit}; copies never committed leave no trace. Not thread-safe: one batch at a time.
 */
public final class MachineStates implements Closeable {

    private final HealthEngine engine;
    private final HealthStateStore store;
    /** Told the machine id and the reason when a committed state cannot be read (the machine starts afresh). */
    private final BiConsumer<String, String> unreadableState;

    private long evictions;

    MachineStates(HealthEngine engine, HealthStateStore store, BiConsumer<String, String> unreadableState) {
        this.engine = engine;
        this.store = store;
        this.unreadableState = unreadableState;
    }

    /** The committed states of the {@code n} machines seen most recently, the least recent first (readable ones). */
    void forEachNewest(int n, BiConsumer<String, MachineState> action) {
        for (String machineId : store.newest(n)) {
            try {
                action.accept(machineId, engine.fromBytes(store.get(machineId)));
            } catch (IllegalArgumentException e) {
                // checkout reports it when the machine is seen again
            }
        }
    }

    /** A private copy of the machine's committed state; a new state for an unknown machine or an unreadable one. */
    MachineState checkout(String machineId) {
        byte[] committed = store.get(machineId);
        if (committed != null) {
            try {
                return engine.fromBytes(committed);
            } catch (IllegalArgumentException e) {
                unreadableState.accept(machineId, e.getMessage());
            }
        }
        return engine.newState();
    }

    /**
     * Makes {@code states} the committed ones (each the most recently seen, in the map's order), then writes what
     * changed out.
     *
     * @throws IOException when writing failed: the states are committed in memory all the same, and the next commit
     *     (or {@link #save()}) writes them out
     */
    void commit(Map<String, MachineState> states) throws IOException {
        for (Map.Entry<String, MachineState> entry : states.entrySet()) {
            evictions += store.put(entry.getKey(), entry.getValue().toBytes());
        }
        store.flush();
    }

    /** The machine's committed state (a copy), null when unknown. */
    public MachineState committed(String machineId) {
        byte[] bytes = store.get(machineId);
        return bytes == null ? null : engine.fromBytes(bytes);
    }

    /** Machines whose state is kept. */
    public int size() {
        return store.size();
    }

    /** Machines evicted (least recently seen, beyond the maximum) since the last call. */
    public long takeEvictions() {
        long taken = evictions;
        evictions = 0;
        return taken;
    }

    /** Null when everything stored was loaded at the start; otherwise what was not and why. */
    public String loadReport() {
        return store.loadReport();
    }

    /**
     * Adds machine states kept elsewhere before (an earlier version's text form, {@link MachineState#encode()}),
     * oldest reading first so that beyond the maximum the machines seen longest ago are dropped, and writes them
     * out.
     *
     * @return how many were adopted, how many texts were not states of this engine's settings (those machines start
     *     afresh) and how many were dropped for the maximum
     */
    public Adoption adopt(Map<String, String> encoded) throws IOException {
        List<Map.Entry<String, MachineState>> states = new ArrayList<>();
        int unreadable = 0;
        for (Map.Entry<String, String> entry : encoded.entrySet()) {
            try {
                states.add(Map.entry(entry.getKey(), engine.decode(entry.getValue())));
            } catch (IllegalArgumentException e) {
                unreadable++;
            }
        }
        states.sort(Comparator.comparingLong(entry -> entry.getValue().lastTimestamp()));
        long before = store.evicted();
        for (Map.Entry<String, MachineState> entry : states) {
            store.put(entry.getKey(), entry.getValue().toBytes());
        }
        store.compact();
        return new Adoption(states.size(), unreadable, store.evicted() - before);
    }

    /** What {@link #adopt} did. */
    public record Adoption(int adopted, int unreadable, long dropped) {}

    /** Writes every state as one snapshot (at a stop: the next start reads one file, no journal). */
    public void save() throws IOException {
        store.compact();
    }

    @Override
    public void close() throws IOException {
        store.close();
    }
}
