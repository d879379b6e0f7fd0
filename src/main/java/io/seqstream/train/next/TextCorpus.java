package io.seqstream.train.next;

import io.seqstream.model.text.NextVocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

/**
 * A plain-text corpus for character-level language modelling (Tiny Shakespeare), split by position: the first
 * share trains, the rest is held out and never trained on. The vocabulary is the training part's characters.
 *
 * @param train   the first part of the text
 * @param heldOut the rest
 */
public record TextCorpus(String name, String train, String heldOut, NextVocabulary vocabulary) {
    /** Where the shared Tiny Shakespeare file lies relative to a checkout (worktrees are siblings of main). */
    public static final Path TINY_SHAKESPEARE = Path.of("..", "shared", "data", "tinyshakespeare", "input.txt.gz");

    /** Reads a UTF-8 text file (gzip when the name ends in .gz) and splits it at trainShare of its characters. */
    public static TextCorpus load(Path file, double trainShare) throws IOException {
        if (!(trainShare > 0 && trainShare < 1)) throw new IllegalArgumentException("train share must be in (0, 1), was " + trainShare);
        if (!Files.isRegularFile(file)) throw new IOException("corpus file " + file.toAbsolutePath() + " does not exist");
        String text;
        try (InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(file)) : Files.newInputStream(file)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int cut = (int) Math.floor(text.length() * trainShare);
        // Never cut a surrogate pair in two.
        if (cut > 0 && Character.isHighSurrogate(text.charAt(cut - 1))) cut++;
        String train = text.substring(0, cut);
        String held = text.substring(cut);
        TreeSet<Integer> chars = new TreeSet<>();
        train.codePoints().forEach(chars::add);
        StringBuilder sb = new StringBuilder();
        chars.forEach(sb::appendCodePoint);
        String name = file.getFileName().toString().replaceAll("\\.txt(\\.gz)?$", "");
        return new TextCorpus(name, train, held, NextVocabulary.of(sb.toString(), ""));
    }

    /** Tiny Shakespeare with the usual 90/10 split. */
    public static TextCorpus tinyShakespeare(Path file) throws IOException {
        return load(file, 0.9);
    }
}
