package io.seqstream.state;

import java.nio.ByteBuffer;

/**
 * Binary changelog value of a stream's state: magic byte 2, position (long), parameter (int),
 * model version (long), the state's shape id (int, {@link io.seqstream.model.ModelSpec#stateShapeId()}; 0 = unknown),
 * width (int), then width floats (big-endian IEEE 754, so restored state is bit-for-bit what was saved). Magic 1
 * is the same without the shape id (read, never written). A null value is a tombstone: the stream ended.
 */
public final class StateRecordCodec {
    public static final byte MAGIC = 2;
    private static final byte MAGIC_V1 = 1;
    private static final int HEADER_V1 = 1 + 8 + 4 + 8 + 4;
    private static final int HEADER = HEADER_V1 + 4;

    private StateRecordCodec() {
    }

    public static byte[] encode(long position, int param, long modelVersion, int shape, float[] states, int offset, int width) {
        // Written byte by byte (big-endian, raw float bits, as ByteBuffer would): no buffer objects per record.
        byte[] out = new byte[HEADER + 4 * width];
        out[0] = MAGIC;
        int j = putLong(out, 1, position);
        j = putInt(out, j, param);
        j = putLong(out, j, modelVersion);
        j = putInt(out, j, shape);
        j = putInt(out, j, width);
        for (int i = 0; i < width; i++) j = putInt(out, j, Float.floatToRawIntBits(states[offset + i]));
        return out;
    }

    public static byte[] encode(StreamState s) {
        return encode(s.position(), s.param(), s.modelVersion(), 0, s.values(), 0, s.values().length);
    }

    private static int putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
        return at + 4;
    }

    private static int putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) (v >>> 32));
        return putInt(b, at + 4, (int) v);
    }

    /** The shape id a state record was written with; 0 when unknown (a version 1 record). */
    public static int shape(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER || bytes[0] != MAGIC) return 0;
        return ByteBuffer.wrap(bytes).getInt(1 + 8 + 4 + 8);
    }

    /** Decodes a state record, failing with a clear message on a foreign or truncated value. */
    public static StreamState decode(byte[] bytes) {
        boolean v1 = bytes != null && bytes.length >= HEADER_V1 && bytes[0] == MAGIC_V1;
        if (bytes == null || !v1 && (bytes.length < HEADER || bytes[0] != MAGIC)) {
            throw new IllegalArgumentException("not a seqstream state record (" + (bytes == null ? "null" : bytes.length + " bytes") + ")");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        buf.get();
        long position = buf.getLong();
        int param = buf.getInt();
        long version = buf.getLong();
        if (!v1) buf.getInt();
        int width = buf.getInt();
        if (width < 0 || bytes.length != (v1 ? HEADER_V1 : HEADER) + 4L * width) {
            throw new IllegalArgumentException("state record declares " + width + " floats but has " + bytes.length + " bytes");
        }
        float[] values = new float[width];
        buf.asFloatBuffer().get(values);
        return new StreamState(position, param, version, values);
    }
}
