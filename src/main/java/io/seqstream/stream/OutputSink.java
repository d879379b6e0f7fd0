package io.seqstream.stream;

/** Receives output records after their transaction committed (the gateway feeds WebSocket clients from it). */
@FunctionalInterface
public interface OutputSink {
    OutputSink NONE = (pipeline, stream, json) -> { };

    void committed(String pipeline, String stream, byte[] json);
}
