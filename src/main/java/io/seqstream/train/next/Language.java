package io.seqstream.train.next;

import io.seqstream.model.text.NextVocabulary;
import java.util.Random;

/**
 * A generated language a next-token model learns: a generator of strings and the exact judge of whether a
 * generated string belongs to it.
 */
public interface Language {
    /** Short name: brackets, ndfa. */
    String name();

    /** The characters (plus start and end). */
    NextVocabulary vocabulary();

    /** One string of the language, drawn from the task's distribution. */
    String generate(Random rng);

    /** Whether a string is in the language (what a sample is judged by). */
    boolean accepts(String s);

    /** A second check reported beside {@link #accepts} (stricter or looser), and its name. */
    boolean secondary(String s);

    String secondaryName();

    /** What {@link #accepts} means, for reports. */
    String acceptsName();

    static Language named(String name) {
        return switch (name) {
            case "brackets" -> new Brackets();
            case "ndfa" -> new Ndfa();
            default -> throw new IllegalArgumentException("unknown language '" + name + "' (brackets or ndfa)");
        };
    }

    /**
     * Brackets: start with '(', then while brackets are open add '(' with probability 7/16, else ')'. Strings
     * longer than {@link #MAX_LENGTH} are drawn again (about 0.1 % of them), so training sequences stay bounded.
     */
    final class Brackets implements Language {
        public static final int MAX_LENGTH = 200;
        private static final NextVocabulary VOCABULARY = NextVocabulary.of("()", " \t\r\n");

        @Override public String name() { return "brackets"; }

        @Override public NextVocabulary vocabulary() { return VOCABULARY; }

        @Override
        public String generate(Random rng) {
            while (true) {
                StringBuilder sb = new StringBuilder("(");
                int depth = 1;
                while (depth > 0 && sb.length() <= MAX_LENGTH) {
                    if (rng.nextInt(16) < 7) {
                        sb.append('(');
                        depth++;
                    } else {
                        sb.append(')');
                        depth--;
                    }
                }
                if (depth == 0) return sb.toString();
            }
        }

        @Override public boolean accepts(String s) { return BracketChecker.balanced(s); }

        @Override public String acceptsName() { return "balanced"; }

        @Override public boolean secondary(String s) { return BracketChecker.generatable(s); }

        @Override public String secondaryName() { return "one outer pair (as generated)"; }
    }

    /** ndfa: s, one word of {abc!, uvw!, klm!} repeated k times (k geometric, stop probability 1/4), s. */
    final class Ndfa implements Language {
        private static final NextVocabulary VOCABULARY = NextVocabulary.of("sabc!uvwklm", " \t\r\n");

        @Override public String name() { return "ndfa"; }

        @Override public NextVocabulary vocabulary() { return VOCABULARY; }

        @Override
        public String generate(Random rng) {
            String word = NdfaAcceptor.WORDS.get(rng.nextInt(NdfaAcceptor.WORDS.size()));
            StringBuilder sb = new StringBuilder("s");
            while (rng.nextInt(4) != 0) sb.append(word);
            return sb.append('s').toString();
        }

        @Override public boolean accepts(String s) { return NdfaAcceptor.accepts(s); }

        @Override public String acceptsName() { return "accepted"; }

        @Override public boolean secondary(String s) { return NdfaAcceptor.acceptsAnyWords(s); }

        @Override public String secondaryName() { return "accepted with mixed words"; }
    }
}
