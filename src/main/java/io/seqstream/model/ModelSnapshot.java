package io.seqstream.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A model version as bytes: the same encoding is written to model files and to the models topic.
 * Layout: "SEQM", format byte 1, metadata JSON length (int) and UTF-8 JSON, parameter count (int) and
 * the parameters as big-endian floats.
 */
public record ModelSnapshot(ModelMetadata metadata, Parameters parameters) {
    private static final byte[] MAGIC = {'S', 'E', 'Q', 'M'};
    private static final byte FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public ModelSnapshot {
        if (!metadata.spec().equals(parameters.spec())) {
            throw new IllegalArgumentException("metadata spec " + metadata.spec() + " differs from parameters " + parameters.spec());
        }
    }

    public byte[] toBytes() {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(metadata);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode model metadata", e);
        }
        float[] v = parameters.values();
        ByteBuffer buf = ByteBuffer.allocate(4 + 1 + 4 + json.length + 4 + 4 * v.length);
        buf.put(MAGIC).put(FORMAT).putInt(json.length).put(json).putInt(v.length);
        buf.asFloatBuffer().put(v);
        return buf.array();
    }

    public static ModelSnapshot fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length < 13 || bytes[0] != 'S' || bytes[1] != 'E' || bytes[2] != 'Q' || bytes[3] != 'M') {
            throw new IllegalArgumentException("not a seqstream model (bad magic)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        buf.position(4);
        byte format = buf.get();
        if (format != FORMAT) throw new IllegalArgumentException("unsupported model format " + format);
        int jsonLength = buf.getInt();
        if (jsonLength < 0 || jsonLength > buf.remaining()) throw new IllegalArgumentException("truncated model metadata");
        ModelMetadata meta;
        try {
            meta = JSON.readValue(bytes, buf.position(), jsonLength, ModelMetadata.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("bad model metadata: " + e.getMessage(), e);
        }
        buf.position(buf.position() + jsonLength);
        int n = buf.getInt();
        ParameterLayout layout = new ParameterLayout(meta.spec());
        if (n != layout.size() || buf.remaining() != 4L * n) {
            throw new IllegalArgumentException("model " + meta.name() + ": expected " + layout.size() + " parameters, found " + n);
        }
        float[] v = new float[n];
        buf.asFloatBuffer().get(v);
        return new ModelSnapshot(meta, new Parameters(layout, v));
    }

    /** Writes atomically (temp file + move), so a reader never sees half a model. */
    public void save(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        Files.write(tmp, toBytes());
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public static ModelSnapshot load(Path file) throws IOException {
        return fromBytes(Files.readAllBytes(file));
    }

    /** The metadata alone, as JSON text (for APIs and reports). */
    public String metadataJson() {
        try {
            return JSON.writeValueAsString(metadata);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
