package io.seqstream.state;

import io.seqstream.model.ModelSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The file format of one changelog partition's local checkpoint, little-endian:
 * magic "SQCK", format version, changelog topic, topic id, partition, covered offset, write time, model shape (cell,
 * layers, hidden, state width), row and cold counts, the rows (id, position, parameter, model version, changelog
 * offset, state floats), the cold entries (id, packed location), then a CRC32C of everything before it.
 *
 * <p>A file is written to a temporary file of its own in the same folder, forced to disk and renamed over the old one,
 * so a reader sees a whole old or a whole new checkpoint, never a torn one, however many writers share the folder.
 */
public final class CheckpointFile {
    static final int MAGIC = 0x4B435153; // "SQCK" read little-endian
    static final int FORMAT = 1;
    private static final int BUFFER = 1 << 20;

    private CheckpointFile() {
    }

    /** What a checkpoint's rows were computed by: states of another shape mean nothing to this model. */
    public record Shape(String cell, int layers, int hidden, int width) {
        public static Shape of(ModelSpec spec, int width) {
            return new Shape(spec.cell().name(), spec.layers(), spec.hidden(), width);
        }

        @Override
        public String toString() { return cell + " " + layers + "x" + hidden + " (" + width + " floats)"; }
    }

    /** Which changelog partition a checkpoint belongs to; the topic id tells a re-created topic from the old one. */
    public record Source(String topic, String topicId, int partition) {
    }

    /** A checkpoint file's contents, or why it cannot be used (then {@code snapshot} is null). */
    public record Read(PartitionSnapshot snapshot, long writtenAtMillis, String problem) {
        static Read invalid(String problem) { return new Read(null, 0, problem); }

        public boolean valid() { return snapshot != null; }
    }

    /** Writes the snapshot atomically to {@code file} (temporary file, fsync, rename, fsync of the folder). */
    public static void write(Path file, Source source, Shape shape, PartitionSnapshot s, long nowMillis) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                Out out = new Out(ch);
                out.putInt(MAGIC);
                out.putInt(FORMAT);
                out.putString(source.topic());
                out.putString(source.topicId());
                out.putInt(source.partition());
                out.putLong(s.offset());
                out.putLong(nowMillis);
                out.putString(shape.cell());
                out.putInt(shape.layers());
                out.putInt(shape.hidden());
                out.putInt(shape.width());
                out.putInt(s.rows());
                out.putInt(s.coldRows());
                float[] states = s.states();
                for (int r = 0; r < s.rows(); r++) {
                    out.putString(s.id(r));
                    out.putLong(s.position(r));
                    out.putInt(s.param(r));
                    out.putLong(s.modelVersion(r));
                    out.putLong(s.changelogOffset(r));
                    out.putFloats(states, r * s.width(), s.width());
                }
                for (int i = 0; i < s.coldRows(); i++) {
                    out.putString(s.coldId(i));
                    out.putLong(s.coldLocation(i));
                }
                out.finish();
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        forceDirectory(dir);
    }

    /**
     * Reads and checks a checkpoint: it must be whole (checksum), of the expected changelog partition and of the
     * expected model shape. Nothing is trusted before the checksum has been verified over the whole file.
     */
    public static Read read(Path file, Source expected, Shape shape) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) return Read.invalid("truncated (" + size + " bytes)");
            In in = new In(ch, size - 4);
            if (in.getInt() != MAGIC) return Read.invalid("not a seqstream checkpoint");
            int format = in.getInt();
            if (format != FORMAT) return Read.invalid("format " + format + ", this version reads " + FORMAT);
            String topic = in.getString();
            String topicId = in.getString();
            int partition = in.getInt();
            long offset = in.getLong();
            long written = in.getLong();
            Shape found = new Shape(in.getString(), in.getInt(), in.getInt(), in.getInt());
            int rows = in.getInt();
            int colds = in.getInt();
            int width = found.width();
            // Bound the counts by the file size before allocating: a corrupt count must not exhaust the heap.
            if (rows < 0 || colds < 0 || width < 0 || (long) rows * (30L + 4L * width) + colds * 12L > size) {
                return Read.invalid("corrupt (counts do not fit the file)");
            }
            String[] ids = new String[rows];
            long[] positions = new long[rows];
            int[] params = new int[rows];
            long[] versions = new long[rows];
            long[] offsets = new long[rows];
            float[] states = new float[rows * width];
            for (int r = 0; r < rows; r++) {
                ids[r] = in.getString();
                positions[r] = in.getLong();
                params[r] = in.getInt();
                versions[r] = in.getLong();
                offsets[r] = in.getLong();
                in.getFloats(states, r * width, width);
            }
            String[] coldIds = new String[colds];
            long[] coldLocations = new long[colds];
            for (int i = 0; i < colds; i++) {
                coldIds[i] = in.getString();
                coldLocations[i] = in.getLong();
            }
            if (in.remaining() != 0) return Read.invalid("corrupt (" + in.remaining() + " bytes after the last entry)");
            ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            while (trailer.hasRemaining() && ch.read(trailer, size - 4 + trailer.position()) > 0) {
                // read the 4 checksum bytes
            }
            if (trailer.flip().getInt() != in.checksum()) return Read.invalid("corrupt (checksum mismatch)");
            if (!topic.equals(expected.topic()) || partition != expected.partition()) {
                return Read.invalid("belongs to " + topic + "-" + partition);
            }
            if (!expected.topicId().isEmpty() && !topicId.isEmpty() && !topicId.equals(expected.topicId())) {
                return Read.invalid("written for an earlier topic " + topic + " (id " + topicId + ", now " + expected.topicId() + ")");
            }
            if (!found.equals(shape)) return Read.invalid("model shape " + found + ", the model now is " + shape);
            return new Read(new PartitionSnapshot(partition, offset, width, ids, positions, params, versions, offsets, states,
                    coldIds, coldLocations), written, null);
        } catch (NoSuchFileException e) {
            return Read.invalid("missing");
        } catch (Truncated e) {
            return Read.invalid("corrupt (truncated)");
        } catch (IOException | RuntimeException e) {
            return Read.invalid("unreadable (" + e + ")");
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms cannot open a folder; the rename is then as durable as the platform makes it.
        }
    }

    /** Buffered little-endian writer that checksums what it writes. */
    private static final class Out {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32C crc = new CRC32C();

        Out(FileChannel ch) {
            this.ch = ch;
        }

        void putInt(int v) throws IOException {
            room(4);
            buf.putInt(v);
        }

        void putLong(long v) throws IOException {
            room(8);
            buf.putLong(v);
        }

        void putString(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            putInt(b.length);
            int at = 0;
            while (at < b.length) {
                room(1);
                int n = Math.min(buf.remaining(), b.length - at);
                buf.put(b, at, n);
                at += n;
            }
        }

        void putFloats(float[] src, int offset, int length) throws IOException {
            int at = 0;
            while (at < length) {
                room(4);
                int n = Math.min(buf.remaining() / 4, length - at);
                buf.asFloatBuffer().put(src, offset + at, n);
                buf.position(buf.position() + 4 * n);
                at += n;
            }
        }

        /** Writes the checksum after everything else and flushes. */
        void finish() throws IOException {
            flush();
            buf.putInt((int) crc.getValue());
            buf.flip();
            while (buf.hasRemaining()) ch.write(buf);
        }

        private void room(int n) throws IOException {
            if (buf.remaining() < n) flush();
        }

        private void flush() throws IOException {
            buf.flip();
            crc.update(buf.duplicate());
            while (buf.hasRemaining()) ch.write(buf);
            buf.clear();
        }
    }

    /** Buffered little-endian reader of the first {@code limit} bytes of a file, checksumming what it reads. */
    private static final class In {
        private final FileChannel ch;
        private final ByteBuffer buf = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32C crc = new CRC32C();
        private final long limit;
        private long read;

        In(FileChannel ch, long limit) {
            this.ch = ch;
            this.limit = limit;
            buf.flip();
        }

        int getInt() throws IOException {
            need(4);
            return buf.getInt();
        }

        long getLong() throws IOException {
            need(8);
            return buf.getLong();
        }

        String getString() throws IOException {
            int n = getInt();
            if (n < 0 || n > 1 << 20) throw new Truncated();
            byte[] b = new byte[n];
            int at = 0;
            while (at < n) {
                need(1);
                int k = Math.min(buf.remaining(), n - at);
                buf.get(b, at, k);
                at += k;
            }
            return new String(b, StandardCharsets.UTF_8);
        }

        void getFloats(float[] dst, int offset, int length) throws IOException {
            int at = 0;
            while (at < length) {
                need(4);
                int n = Math.min(buf.remaining() / 4, length - at);
                buf.asFloatBuffer().get(dst, offset + at, n);
                buf.position(buf.position() + 4 * n);
                at += n;
            }
        }

        long remaining() { return buf.remaining() + (limit - read); }

        int checksum() { return (int) crc.getValue(); }

        private void need(int n) throws IOException {
            if (buf.remaining() >= n) return;
            buf.compact();
            while (buf.position() < n) {
                int want = (int) Math.min(buf.remaining(), limit - read);
                if (want == 0) throw new Truncated();
                ByteBuffer slice = buf.slice(buf.position(), want);
                int got = ch.read(slice, read);
                if (got <= 0) throw new Truncated();
                crc.update(buf.slice(buf.position(), got));
                buf.position(buf.position() + got);
                read += got;
            }
            buf.flip();
        }
    }

    /** The file ends before its contents say it should. */
    private static final class Truncated extends IOException {
        Truncated() {
            super("truncated");
        }
    }
}
