package io.seqstream.state;

import java.nio.ByteBuffer;

/**
 * Binary changelog value of a stream's state: magic byte 1, position (long), parameter (int),
 * model version (long), width (int), then width floats (big-endian IEEE 754, so restored state is bit-for-bit
 * what was saved). A null value is a tombstone: the stream ended.
 */
public final class StateRecordCodec {
    public static final byte MAGIC = 1;
    private static final int HEADER = 1 + 8 + 4 + 8 + 4;

    private StateRecordCodec() {
    }

    public static byte[] encode(long position, int param, long modelVersion, float[] states, int offset, int width) {
        ByteBuffer buf = ByteBuffer.allocate(HEADER + 4 * width);
        buf.put(MAGIC).putLong(position).putInt(param).putLong(modelVersion).putInt(width);
        buf.asFloatBuffer().put(states, offset, width);
        return buf.array();
    }

    public static byte[] encode(StreamState s) {
        return encode(s.position(), s.param(), s.modelVersion(), s.values(), 0, s.values().length);
    }

    /** Decodes a state record, failing with a clear message on a foreign or truncated value. */
    public static StreamState decode(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER || bytes[0] != MAGIC) {
            throw new IllegalArgumentException("not a seqstream state record (" + (bytes == null ? "null" : bytes.length + " bytes") + ")");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        buf.get();
        long position = buf.getLong();
        int param = buf.getInt();
        long version = buf.getLong();
        int width = buf.getInt();
        if (width < 0 || bytes.length != HEADER + 4L * width) {
            throw new IllegalArgumentException("state record declares " + width + " floats but has " + bytes.length + " bytes");
        }
        float[] values = new float[width];
        buf.asFloatBuffer().get(values);
        return new StreamState(position, param, version, values);
    }
}
