package io.seqstream.train.sentiment;

import io.seqstream.model.text.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reviews as token ids with their labels. Reviews without a single word are left out (none in IMDb) and counted.
 *
 * @param dropped reviews left out because they had no word
 */
public record Encoded(List<int[]> ids, int[] labels, int dropped) {

    public static Encoded of(Tokenizer tokenizer, List<Review> reviews) {
        List<int[]> ids = new ArrayList<>(reviews.size());
        int[] labels = new int[reviews.size()];
        int n = 0;
        int dropped = 0;
        for (Review r : reviews) {
            int[] x = tokenizer.encode(r.text()).ids();
            if (x.length == 0) {
                dropped++;
                continue;
            }
            ids.add(x);
            labels[n++] = r.label();
        }
        return new Encoded(List.copyOf(ids), java.util.Arrays.copyOf(labels, n), dropped);
    }

    public int size() { return ids.size(); }

    /** Total words. */
    public long words() {
        long s = 0;
        for (int[] x : ids) s += x.length;
        return s;
    }
}
