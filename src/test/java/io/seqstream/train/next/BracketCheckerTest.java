package io.seqstream.train.next;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BracketCheckerTest {

    @Test
    void shouldAcceptWellFormedStrings() {
        for (String s : new String[]{"()", "(())", "()()", "(()())", "((()))(())", "(((((((((())))))))))"}) {
            assertTrue(BracketChecker.balanced(s), s);
        }
    }

    @Test
    void shouldRejectEmptyUnbalancedAndForeignStrings() {
        assertFalse(BracketChecker.balanced(""), "empty");
        assertFalse(BracketChecker.balanced("("), "open only");
        assertFalse(BracketChecker.balanced(")"), "close only");
        assertFalse(BracketChecker.balanced("(()"), "unbalanced prefix: one left open");
        assertFalse(BracketChecker.balanced("())"), "extra close");
        assertFalse(BracketChecker.balanced(")("), "equal counts, but closes before opening");
        assertFalse(BracketChecker.balanced("())(()"), "equal counts, a prefix goes below zero");
        assertFalse(BracketChecker.balanced("(a)"), "foreign character");
        assertFalse(BracketChecker.balanced("( )"), "a space is not a bracket");
        assertFalse(BracketChecker.balanced("[]"), "other brackets");
    }

    @Test
    void shouldTellOneOuterPairFromSeveral() {
        assertTrue(BracketChecker.generatable("()"));
        assertTrue(BracketChecker.generatable("(()())"));
        assertFalse(BracketChecker.generatable("()()"), "two top-level groups");
        assertFalse(BracketChecker.generatable("(())()"));
        assertFalse(BracketChecker.generatable("(()"), "not balanced at all");
        assertFalse(BracketChecker.generatable(""));
    }

    @Test
    void shouldAcceptEveryGeneratedStringAndTheGeneratorShouldFollowTheDesign() {
        Language brackets = Language.named("brackets");
        Random rng = new Random(1);
        long opens = 0, decisions = 0;
        for (int i = 0; i < 5000; i++) {
            String s = brackets.generate(rng);
            assertTrue(brackets.accepts(s) && brackets.secondary(s), s);
            assertTrue(s.length() <= Language.Brackets.MAX_LENGTH + 1, s);
            for (int j = 1; j < s.length(); j++) {
                decisions++;
                if (s.charAt(j) == '(') opens++;
            }
        }
        // '(' with probability 7/16 at every step after the first (strings over the cap redrawn: a small bias).
        assertEquals(7.0 / 16, (double) opens / decisions, 0.02);
    }
}
