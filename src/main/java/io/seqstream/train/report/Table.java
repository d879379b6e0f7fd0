package io.seqstream.train.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A small results table (header + rows of cells) for reports. */
public final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) { this(Arrays.asList(header), List.of()); }

    public Table(List<String> header, List<List<String>> rows) {
        if (header.isEmpty()) throw new IllegalArgumentException("table: header must not be empty");
        this.header = List.copyOf(header);
        for (List<String> r : rows) row(r);
    }

    public Table row(String... cells) { return row(Arrays.asList(cells)); }

    public Table row(List<String> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException("table: row has " + cells.size() + " cells, header " + header.size());
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    public List<String> header() { return header; }

    public List<List<String>> rows() { return List.copyOf(rows); }

    /** GitHub-flavoured markdown, cells escaped. */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        line(sb, header);
        sb.append('|');
        for (int i = 0; i < header.size(); i++) sb.append("---|");
        sb.append('\n');
        for (List<String> r : rows) line(sb, r);
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells) {
        sb.append('|');
        for (String c : cells) sb.append(' ').append(escape(c)).append(" |");
        sb.append('\n');
    }

    static String escape(String s) {
        if (s == null) return "";
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ");
    }
}
