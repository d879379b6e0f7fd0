package io.seqstream.train.next;

import java.util.List;

/**
 * The automaton of the ndfa language (defined in docs/results.md, "Next-token models"): {@code s}, then one word of {abc!, uvw!, klm!}
 * repeated k &gt;= 0 times, then {@code s}. The choice of word is made once and every repetition must be that
 * word ("s abc! abc! s" is in the language, "s abc! uvw! s" is not), so a recogniser reading left to right has
 * to remember which branch it took: the nondeterministic choice at the first letter.
 */
public final class NdfaAcceptor {
    /** The words, each ending in '!'. */
    public static final List<String> WORDS = List.of("abc!", "uvw!", "klm!");

    private NdfaAcceptor() {
    }

    /** True when the whole string is in the language (no other characters, nothing after the final s). */
    public static boolean accepts(String s) {
        return matches(s, true);
    }

    /**
     * The looser language where each repetition may be any of the words ("s abc! uvw! s" passes): reported
     * beside {@link #accepts} so a model that forgets its branch shows up as the difference.
     */
    public static boolean acceptsAnyWords(String s) {
        return matches(s, false);
    }

    private static boolean matches(String s, boolean sameWord) {
        if (s.length() < 2 || s.charAt(0) != 's' || s.charAt(s.length() - 1) != 's') return false;
        String body = s.substring(1, s.length() - 1);
        int wl = WORDS.get(0).length();
        if (body.length() % wl != 0) return false;
        String first = null;
        for (int i = 0; i < body.length(); i += wl) {
            String w = body.substring(i, i + wl);
            if (!WORDS.contains(w)) return false;
            if (first == null) first = w;
            else if (sameWord && !w.equals(first)) return false;
        }
        return true;
    }
}
