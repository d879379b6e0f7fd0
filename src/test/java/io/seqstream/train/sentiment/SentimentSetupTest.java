package io.seqstream.train.sentiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SentimentSetupTest {

    private static List<Review> reviews() {
        List<Review> out = new ArrayList<>();
        for (int label = 0; label < 2; label++) {
            for (int id = 0; id < 1000; id++) out.add(new Review(id, label == 1 ? 8 : 2, label, "review " + label + " " + id));
        }
        return out;
    }

    @Test
    void shouldKeepEveryBlockOfConsecutiveIdsOnOneSide() {
        List<Review> all = reviews();
        SentimentSetup.Split s = SentimentSetup.blockSplit(all, 200, 1, 50);
        assertEquals(all.size(), s.train().size() + s.validation().size());
        assertEquals(200, s.validation().size(), "whole blocks of 50 reach 200 exactly");
        Set<Long> valBlocks = new HashSet<>();
        for (Review r : s.validation()) valBlocks.add(r.label() * 1_000_000L + r.id() / 50);
        for (Review r : s.train()) assertTrue(!valBlocks.contains(r.label() * 1_000_000L + r.id() / 50), "block of " + r.id() + " split");
        Set<String> texts = new HashSet<>();
        for (Review r : s.train()) texts.add(r.text());
        for (Review r : s.validation()) texts.add(r.text());
        assertEquals(all.size(), texts.size(), "every review on exactly one side");
    }

    @Test
    void shouldGiveTheSameSplitForTheSameSeedAndAnotherForAnother() {
        List<Review> all = reviews();
        assertEquals(SentimentSetup.blockSplit(all, 200, 1, 50).validation(), SentimentSetup.blockSplit(all, 200, 1, 50).validation());
        assertTrue(!SentimentSetup.blockSplit(all, 200, 1, 50).validation().equals(SentimentSetup.blockSplit(all, 200, 2, 50).validation()));
    }
}
