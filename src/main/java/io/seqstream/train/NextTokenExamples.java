package io.seqstream.train;

import io.seqstream.model.SequenceBatch;
import java.util.Arrays;

/** Next-token training examples from token ids: the input at step t is token t, its target token t+1. */
public final class NextTokenExamples {
    private NextTokenExamples() {
    }

    /**
     * A window of n &gt;= 2 consecutive token ids as one example: inputs = ids[0..n-2], targets = ids[1..n-1].
     * For a sequence from its beginning, put the start token first; for one that is complete, the end token last.
     */
    public static SequenceBatch.Example fromWindow(int[] ids) {
        if (ids.length < 2) throw new IllegalArgumentException("a next-token window needs at least 2 tokens, had " + ids.length);
        return new SequenceBatch.Example(Arrays.copyOfRange(ids, 0, ids.length - 1), Arrays.copyOfRange(ids, 1, ids.length), -1);
    }
}
