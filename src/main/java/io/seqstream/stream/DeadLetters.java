package io.seqstream.stream;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/** Builds the dead-letter record of a rejected input: the original key, value and headers, plus why and where from. */
public final class DeadLetters {
    public static final String REASON = "seq.dlq.reason";
    public static final String DETAIL = "seq.dlq.detail";
    public static final String TOPIC = "seq.dlq.topic";
    public static final String PARTITION = "seq.dlq.partition";
    public static final String OFFSET = "seq.dlq.offset";

    private DeadLetters() {
    }

    public static ProducerRecord<byte[], byte[]> record(String dlqTopic, ConsumerRecord<byte[], byte[]> r,
                                                        DeadLetterReason reason, String detail) {
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(dlqTopic, r.key(), r.value());
        for (Header h : r.headers()) out.headers().add(h.key(), h.value());
        out.headers().add(REASON, utf8(reason.wireName()));
        out.headers().add(DETAIL, utf8(detail));
        out.headers().add(TOPIC, utf8(r.topic()));
        out.headers().add(PARTITION, utf8(String.valueOf(r.partition())));
        out.headers().add(OFFSET, utf8(String.valueOf(r.offset())));
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
