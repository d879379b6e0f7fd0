package io.seqstream.train.next;

/**
 * Judges generated bracket strings (defined in docs/results.md, "Next-token models"). Only '(' and ')' are brackets; any other character
 * makes a string ill-formed.
 */
public final class BracketChecker {
    private BracketChecker() {
    }

    /**
     * Well-formed: not empty, only brackets, no prefix closes more than it opened, and every bracket is closed
     * at the end (a Dyck word).
     */
    public static boolean balanced(String s) {
        if (s.isEmpty()) return false;
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') depth++;
            else if (c == ')') {
                if (--depth < 0) return false;
            } else {
                return false;
            }
        }
        return depth == 0;
    }

    /**
     * What the generator can produce: balanced, and one outer pair around everything (the generator stops the
     * first time all brackets are closed), e.g. "(()())" but not "()()".
     */
    public static boolean generatable(String s) {
        if (!balanced(s)) return false;
        int depth = 0;
        for (int i = 0; i < s.length() - 1; i++) {
            depth += s.charAt(i) == '(' ? 1 : -1;
            if (depth == 0) return false;
        }
        return true;
    }
}
