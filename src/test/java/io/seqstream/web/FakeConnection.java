package io.seqstream.web;

import java.util.ArrayList;
import java.util.List;

/** A WebSocket stand-in that records what was written and whose write queue the test fills at will. */
final class FakeConnection implements WsClient.Connection {
    final List<String> written = new ArrayList<>();
    boolean full;
    boolean closed;

    @Override public boolean isClosed() { return closed; }

    @Override public boolean writeQueueFull() { return full; }

    @Override public void write(String text) { written.add(text); }

    @Override public void close() { closed = true; }

    @Override public String remote() { return "fake"; }
}
