package io.github.factorytwin.health;

import io.github.factorytwin.state.StateFormatException;
import java.nio.ByteBuffer;

/**
 * Reads machine states of formats 3 and 4, which the versions before the common state pattern kept (in memory, in
 * the State Directory and in NiFi's local state): the version switch of {@link MachineState#fromBytes} sends those
 * bytes here. Format 3: a state without regimes; format 4: format 3's fields followed by the regimes. Both start
 * with the dimensions and the block of scalar fields that format 5 stores alike ({@link MachineState#SCALARS});
 * after it they keep each sensor's, lag's and regime's values together where format 5 keeps arrays. Nothing writes
 * these formats any more; a state read from them is written in the current format at its next change.
 */
final class LegacyMachineStates {

    static final byte FORMAT_3 = 3;
    static final byte FORMAT_4 = 4;

    private LegacyMachineStates() {}

    static boolean isLegacy(byte[] bytes) {
        return bytes.length > 0 && (bytes[0] == FORMAT_3 || bytes[0] == FORMAT_4);
    }

    /** Bytes of a state of these formats without its regimes. */
    private static int size(MachineState s) {
        int sensors = s.sensorCount;
        int lags = s.lags;
        int load = lags == 0 ? 0 : 2 * 8 + lags * 3 * 8 + (sensors - 1) * lags * 8 + sensors;
        return 4 + MachineState.SCALARS.bytes(s) + sensors * (4 + 4 * 8) + load;
    }

    /**
     * Reads a state of format 3 (when {@code maxRegimes} is 0) or 4 with these dimensions.
     *
     * @throws IllegalArgumentException when the bytes are not a state of that format with these dimensions
     */
    static MachineState read(
            byte[] bytes,
            int sensorCount,
            int lags,
            int loadIndex,
            int contextCount,
            int maxRegimes,
            long contextSensors) {
        MachineState s = new MachineState(sensorCount, lags, loadIndex, contextCount, maxRegimes, contextSensors);
        int fixed = size(s);
        byte format = maxRegimes == 0 ? FORMAT_3 : FORMAT_4;
        if (bytes.length < fixed
                || (maxRegimes == 0 && bytes.length != fixed)
                || bytes[0] != format
                || bytes[1] != sensorCount
                || bytes[2] != lags
                || bytes[3] != loadIndex) {
            throw new IllegalArgumentException("not a machine state of format " + format + " with " + sensorCount
                    + " sensors and " + lags + " load lags (" + bytes.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 4, bytes.length - 4);
        try {
            MachineState.SCALARS.read(b, s); // the block format 5 stores alike
        } catch (StateFormatException e) {
            throw new IllegalArgumentException("not a machine state of format " + format + ": " + e.getMessage(), e);
        }
        // From here on the layouts differ: these formats store per sensor, per lag and per regime together.
        for (int i = 0; i < sensorCount; i++) {
            s.baselineCount[i] = b.getInt();
            s.baselineMean[i] = b.getDouble();
            s.baselineM2[i] = b.getDouble();
            s.fast[i] = b.getDouble();
            s.slow[i] = b.getDouble();
        }
        if (lags > 0) {
            s.loadPrevious1 = b.getDouble();
            s.loadPrevious2 = b.getDouble();
        }
        for (int k = 0; k < lags; k++) {
            s.lagLoad[k] = b.getDouble();
            s.lagMean[k] = b.getDouble();
            s.lagM2[k] = b.getDouble();
        }
        for (int j = 0; j < s.lagCo.length; j++) {
            if (j / Math.max(1, lags) != loadIndex) {
                s.lagCo[j] = b.getDouble();
            }
        }
        b.get(s.lagChoice);
        for (byte choice : s.lagChoice) {
            if (choice < -1 || choice >= lags) {
                throw new IllegalArgumentException("not a machine state: lag " + choice);
            }
        }
        s.deriveLoadModel();
        if (maxRegimes > 0) {
            readRegimes(b, s);
        }
        return s;
    }

    private static void readRegimes(ByteBuffer b, MachineState s) {
        try {
            int contexts = b.get();
            int max = b.get();
            int count = b.get();
            long mask = b.getLong();
            if (contexts != s.contextCount || max != s.maxRegimes || mask != s.contextSensors) {
                throw new IllegalArgumentException("not a machine state of these operating context settings");
            }
            if (count < 0 || count > max || b.remaining() != regimeBytes(s, count)) {
                throw new IllegalArgumentException("not a machine state: " + count + " regimes");
            }
            double[] centre = new double[s.contextCount];
            for (int r = 0; r < count; r++) {
                int size = b.getInt();
                for (int f = 0; f < centre.length; f++) {
                    centre[f] = b.getDouble();
                }
                s.regimes.add(centre, size);
                s.growRegimes();
                for (int i = r * s.sensorCount; i < (r + 1) * s.sensorCount; i++) {
                    s.regimeN[i] = b.getInt();
                    s.regimeMean[i] = b.getDouble();
                    s.regimeM2[i] = b.getDouble();
                }
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("not a machine state: the regimes are cut short", e);
        }
    }

    private static int regimeBytes(MachineState s, int count) {
        return count * (4 + s.contextCount * 8 + s.sensorCount * (4 + 2 * 8));
    }
}
