package io.github.factorytwin.state;

import java.lang.management.ManagementFactory;

/** Bytes this thread has allocated so far (0 where the JVM does not tell). */
final class StateFixturesAllocation {

    private StateFixturesAllocation() {}

    static long allocated() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t) {
            return t.getCurrentThreadAllocatedBytes();
        }
        return 0;
    }
}
