package io.seqstream.web;

import io.seqstream.config.SeqstreamConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes text typed into a stream (REST POST or WebSocket send) to the pipeline's input topic, after the checks
 * both share: a stream id that is a usable record key, and text within the pipeline's {@code max-value-bytes}.
 */
final class InputWriter {
    private static final int MAX_STREAM_ID_BYTES = 256;

    private final Producer<byte[], byte[]> producer;
    private final Context context;

    /** @param context where the returned futures complete (the gateway's event loop) */
    InputWriter(Producer<byte[], byte[]> producer, Context context) {
        this.producer = producer;
        this.context = context;
    }

    /** Null when the text may be sent to the stream, else what is wrong with it. */
    static String check(SeqstreamConfig.Pipeline p, String stream, String text) {
        if (stream == null || stream.isEmpty()) return "missing stream id";
        if (stream.getBytes(StandardCharsets.UTF_8).length > MAX_STREAM_ID_BYTES) {
            return "stream id longer than " + MAX_STREAM_ID_BYTES + " bytes";
        }
        for (int i = 0; i < stream.length(); i++) {
            if (Character.isISOControl(stream.charAt(i))) return "stream id contains a control character";
        }
        if (text == null || text.isEmpty()) return "empty text";
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > p.maxValueBytes()) {
            return "text too large: " + bytes + " bytes (pipeline " + p.name() + " takes at most " + p.maxValueBytes() + ")";
        }
        return null;
    }

    /** Writes a record keyed by the stream id; the future completes on the gateway's context. */
    Future<RecordMetadata> write(SeqstreamConfig.Pipeline p, String stream, String text) {
        Promise<RecordMetadata> promise = Promise.promise();
        try {
            producer.send(new ProducerRecord<>(p.inputTopic(), stream.getBytes(StandardCharsets.UTF_8),
                    text.getBytes(StandardCharsets.UTF_8)), (md, e) -> context.runOnContext(v -> {
                if (e != null) promise.fail(e);
                else promise.complete(md);
            }));
        } catch (RuntimeException e) {
            promise.fail(e);
        }
        return promise.future();
    }
}
