package io.seqstream.state;

/**
 * One stream's state as it travels through the changelog: recurrent state floats plus the bookkeeping that
 * makes a resumed stream continue exactly where it stopped.
 *
 * @param position     tokens processed since the stream began or was last reset
 * @param param        the stream's parameter category (e.g. echo delay), or -1 when it has none
 * @param modelVersion the model version that produced this state
 * @param values       the recurrent state, per layer h then c (LSTM)
 */
public record StreamState(long position, int param, long modelVersion, float[] values) {
}
