package io.seqstream.train.next;

import io.seqstream.model.Network;
import io.seqstream.model.Parameters;
import io.seqstream.model.SequenceBatch;
import io.seqstream.model.Sampler;
import io.seqstream.model.text.NextVocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Held-out measures of a next-token model: cross-entropy in bits per token, and how many samples a judge accepts. */
public final class NextTokenEvaluation {
    private NextTokenEvaluation() {
    }

    /**
     * Mean cross-entropy (log2) and argmax accuracy over the scored steps.
     *
     * @param tokens scored steps
     */
    public record Bits(double bitsPerToken, double accuracy, long tokens) {
    }

    /** Over examples (each from its start token), in padded batches of up to 100. */
    public static Bits onExamples(Network net, Parameters p, List<SequenceBatch.Example> examples) {
        double nats = 0;
        long n = 0, correct = 0;
        for (int i = 0; i < examples.size(); i += 100) {
            SequenceBatch b = SequenceBatch.of(examples.subList(i, Math.min(examples.size(), i + 100)));
            float[][][] probs = net.predict(p, b);
            for (int s = 0; s < b.size(); s++) {
                for (int t = 0; t < b.lengths[s]; t++) {
                    int target = b.targets[s][t];
                    if (target < 0) continue;
                    nats -= Math.log(Math.max(probs[s][t][target], 1e-30f));
                    if (argmax(probs[s][t]) == target) correct++;
                    n++;
                }
            }
        }
        return new Bits(nats / n / Math.log(2), (double) correct / n, n);
    }

    /**
     * Over one long text read as a single stream from the start token: each character is predicted from
     * everything before it, in windows whose state carries over (exact, not truncated: no gradient here).
     */
    public static Bits onText(Network net, Parameters p, NextVocabulary vocabulary, String text, int window) {
        int[] seq = vocabulary.startThen(text);
        float[] state = new float[p.spec().stateWidth()];
        double nats = 0;
        long n = 0, correct = 0;
        for (int from = 0; from + 1 < seq.length; from += window) {
            int to = Math.min(seq.length - 1, from + window);
            int[] in = java.util.Arrays.copyOfRange(seq, from, to);
            int[] tg = java.util.Arrays.copyOfRange(seq, from + 1, to + 1);
            SequenceBatch b = new SequenceBatch(new int[][]{in}, new int[]{in.length}, null, new int[][]{tg});
            net.forward(p, b, state);
            float[][][] probs = net.probabilities();
            for (int t = 0; t < in.length; t++) {
                nats -= Math.log(Math.max(probs[0][t][tg[t]], 1e-30f));
                if (argmax(probs[0][t]) == tg[t]) correct++;
                n++;
            }
        }
        return new Bits(nats / n / Math.log(2), (double) correct / n, n);
    }

    /**
     * What a judge says of n samples drawn from the start token.
     *
     * @param accepted  samples the language accepts (cut-off samples never are)
     * @param secondary samples its second check passes
     * @param ended     samples that drew the end token within the maximum length
     * @param examples  the first few samples
     */
    public record Judged(int n, int accepted, int secondary, int ended, List<String> examples) {
        public double acceptedShare() { return (double) accepted / n; }

        public double secondaryShare() { return (double) secondary / n; }
    }

    public static Judged judge(Parameters p, Language language, int n, double temperature, int maxLength, long seed) {
        List<Sampler.Sample> samples = new Sampler(p).sample(new int[]{NextVocabulary.START_ID}, n, temperature, maxLength,
                NextVocabulary.END_ID, new Random(seed));
        int accepted = 0, secondary = 0, ended = 0;
        List<String> shown = new ArrayList<>();
        for (Sampler.Sample s : samples) {
            String text = language.vocabulary().decode(s.ids());
            if (s.ended()) ended++;
            if (s.ended() && language.accepts(text)) accepted++;
            if (s.ended() && language.secondary(text)) secondary++;
            if (shown.size() < 20) shown.add(s.ended() ? text : text + " [cut at " + maxLength + "]");
        }
        return new Judged(n, accepted, secondary, ended, shown);
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int j = 1; j < v.length; j++) if (v[j] > v[best]) best = j;
        return best;
    }
}
