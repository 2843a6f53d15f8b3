package io.github.factorytwin.anomaly;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A thread-safe map of at most {@code max} entries: when a new key would exceed it, the least recently used
 * entry is dropped and its key passed to the eviction listener (called under the map's lock: keep it short).
 * One lock guards every operation; callers touch it once per key and FlowFile, not once per record.
 */
final class RecentlyUsed<V> {

    private final int max;
    private final LinkedHashMap<String, V> map;
    private volatile Consumer<String> evicted = key -> {};

    RecentlyUsed(int max) {
        this.max = max;
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                if (size() <= RecentlyUsed.this.max) {
                    return false;
                }
                evicted.accept(eldest.getKey());
                return true;
            }
        };
    }

    void onEvict(Consumer<String> listener) {
        evicted = listener;
    }

    synchronized V get(String key) {
        return map.get(key);
    }

    synchronized V computeIfAbsent(String key, Function<String, V> create) {
        return map.computeIfAbsent(key, create);
    }

    synchronized void putAll(Map<String, V> entries) {
        map.putAll(entries);
    }

    synchronized void remove(String key) {
        map.remove(key);
    }

    synchronized Map<String, V> snapshot() {
        return new HashMap<>(map);
    }

    synchronized int size() {
        return map.size();
    }
}
