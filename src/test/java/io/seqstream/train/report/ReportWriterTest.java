package io.seqstream.train.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ReportWriterTest {

    /** A plausible run: falling loss, rising accuracy, held-out every 50 steps, clipping early on. */
    static TrainingLog sampleLog(int steps) {
        TrainingLog log = new TrainingLog();
        Random rng = new Random(3);
        int level = 0;
        for (int s = 1; s <= steps; s++) {
            double loss = 3.3 * Math.exp(-s / 300.0) + 0.02 + 0.05 * rng.nextDouble();
            double acc = s % 10 == 0 ? Math.min(1, 1 - 0.96 * Math.exp(-s / 250.0)) : Double.NaN;
            double held = s % 50 == 0 ? Math.min(1, 1 - 0.97 * Math.exp(-s / 260.0)) : Double.NaN;
            if (s == 600 || s == 1200) level++;
            double raw = 8 * Math.exp(-s / 400.0) * (0.5 + rng.nextDouble()) + 0.05;
            log.add(s, s * 50L, loss, acc, held, raw, Math.min(raw, 1.0), level, s * 0.016);
        }
        return log;
    }

    @Test
    void shouldWriteCsvMarkdownAndPng(@TempDir Path dir) throws Exception {
        TrainingLog log = sampleLog(1500);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("task", "echo-d4");
        settings.put("cell", "GRU 64");
        settings.put("clip", "1.0 | global L2");
        Table results = new Table("level", "length", "held-out accuracy").row("0", "5", "1.000").row("2", "20", "0.995");
        ReportWriter.Written w = new ReportWriter(dir.resolve("out")).write("echo", "Echo, delay 4", settings, results, log);

        List<String> csv = Files.readAllLines(w.csv());
        assertEquals(TrainingLog.CSV_HEADER, csv.get(0));
        assertEquals(1501, csv.size());
        assertTrue(csv.get(1).contains("NaN"), "not-evaluated accuracy is NaN: " + csv.get(1));

        String md = Files.readString(w.markdown());
        assertTrue(md.startsWith("# Echo, delay 4"));
        assertTrue(md.contains("| task | echo-d4 |"));
        assertTrue(md.contains("1.0 \\| global L2"), "pipes escaped");
        assertTrue(md.contains("| 2 | 20 | 0.995 |"));
        assertTrue(md.contains("| steps | 1500 |"));
        assertTrue(md.contains("| final level | 2 |"));
        assertTrue(md.contains("![loss, accuracy and gradient norm over steps](echo.png)"));

        assertTrue(Files.size(w.png()) > 1000);
        BufferedImage img = ImageIO.read(w.png().toFile());
        assertNotNull(img, "PNG decodes");
        assertEquals(ReportWriter.WIDTH, img.getWidth());
        assertEquals(ReportWriter.HEIGHT, img.getHeight());
        assertEquals(1000, img.getWidth());
        assertEquals(900, img.getHeight());
    }

    @Test
    void shouldRoundTripTheCsv(@TempDir Path dir) throws Exception {
        TrainingLog log = sampleLog(20);
        Path f = dir.resolve("log.csv");
        log.writeCsv(f);
        assertEquals(log.rows(), TrainingLog.readCsv(f).rows());
        assertEquals(log.last().heldOutAccuracy(), Double.NaN);
        assertFalse(Double.isNaN(log.lastAccuracy()));
    }

    @Test
    void shouldWriteReportsForEmptyOrDegenerateLogs(@TempDir Path dir) throws Exception {
        ReportWriter w = new ReportWriter(dir);
        ReportWriter.Written empty = w.write("empty", "Empty", Map.of(), null, new TrainingLog());
        assertNotNull(ImageIO.read(empty.png().toFile()));
        TrainingLog one = new TrainingLog().add(1, 10, Double.NaN, Double.NaN, Double.NaN, Double.POSITIVE_INFINITY, 1, 0, 0.1);
        ReportWriter.Written single = w.write("one", "One", Map.of(), null, one);
        assertNotNull(ImageIO.read(single.png().toFile()));
        assertTrue(Files.readString(single.markdown()).contains("| non-finite loss or gradient | 1 |"));
    }

    @Test
    void shouldPickReadableTicks() {
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1.0}, LinePlot.linearTicks(0, 1.02, 5), 1e-12);
        assertArrayEquals(new double[] {0, 500, 1000, 1500}, LinePlot.linearTicks(0, 1500, 3), 1e-9);
        assertEquals("0.25", LinePlot.format(0.25, 0.25));
        assertEquals("0.5", LinePlot.format(0.5, 0.25));
        assertEquals("0.4", LinePlot.format(0.4, 0.2));
        assertEquals("1500", LinePlot.format(1500, 500));
        assertEquals("1e-5", LinePlot.formatLog(1e-5));
        assertEquals("0.01", LinePlot.formatLog(0.01));
        assertEquals(4 + 3 * 8, LinePlot.logTicks(0.01, 10).size());
        BufferedImage img = new LinePlot("x").logY(true).line("a", LinePlot.BLUE, new double[] {1, 2}, new double[] {0.1, 10})
                .render(400, 300);
        assertEquals(400, img.getWidth());
    }
}
