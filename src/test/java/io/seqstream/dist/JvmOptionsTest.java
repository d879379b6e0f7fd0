package io.seqstream.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * src/main/dist/seqstream-java, through which the launcher and the Docker images start every seqstream JVM: the
 * options of jvm.options reach the JVM, SEQSTREAM_VECTOR=0 leaves the Vector API module out, the caller's options
 * and arguments pass through, OMP_NUM_THREADS defaults to 1; the JVM's incubator warning is dropped from standard
 * error while the rest of it, standard input, the exit status and SIGTERM still reach their ends.
 */
class JvmOptionsTest {
    /** Run by the script under test: prints what the JVM was started with, or does what its first argument says. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            String mode = args.length > 0 ? args[0] : "";
            if (mode.equals("exit7")) System.exit(7);
            if (mode.equals("stdin")) {
                System.out.println("stdin=" + new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine());
                return;
            }
            if (mode.equals("wait")) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("hook ran")));
                System.out.println("ready");
                Thread.sleep(60_000);
                return;
            }
            System.out.println("jvm=" + ManagementFactory.getRuntimeMXBean().getInputArguments());
            System.out.println("vector=" + ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
            System.out.println("omp=" + System.getenv("OMP_NUM_THREADS"));
            System.out.println("args=" + String.join("|", args));
            System.err.println("err=kept");
            System.err.print("partial");
        }
    }

    @Test
    void optionsFromTheFileReachTheJvm() throws Exception {
        String out = run(Map.of(), "a b", "c");
        assertTrue(out.contains("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0"), out);
        assertTrue(out.contains("vector=true"), out);
        assertTrue(out.contains("omp=1"), out);
        assertTrue(out.contains("-Xmx64m"), out);
        assertTrue(out.contains("args=a b|c"), out);
        assertFalse(out.contains("Using incubator modules"), "the JVM's warning is dropped: " + out);
        assertTrue(out.contains("err=kept") && out.endsWith("partial"), "the rest of standard error passes: " + out);
    }

    @Test
    void vectorOffLeavesTheModuleOutAndKeepsTheRest() throws Exception {
        String out = run(Map.of("SEQSTREAM_VECTOR", "0", "OMP_NUM_THREADS", "3"), "a");
        assertTrue(out.contains("vector=false"), out);
        assertFalse(out.contains("jdk.incubator.vector"), out);
        assertTrue(out.contains("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0"), out);
        assertTrue(out.contains("omp=3"), out);
        assertTrue(out.contains("err=kept") && out.endsWith("partial"), out);
    }

    @Test
    void shouldPassTheExitStatusAndStandardInputThroughTheFilter() throws Exception {
        Process exit = start(Map.of(), "exit7");
        exit.getInputStream().readAllBytes();
        assertTrue(exit.waitFor(60, TimeUnit.SECONDS));
        assertEquals(7, exit.exitValue());

        Process stdin = start(Map.of(), "stdin");
        try (OutputStream in = stdin.getOutputStream()) {
            in.write("hello\n".getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(stdin.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(stdin.waitFor(60, TimeUnit.SECONDS));
        assertTrue(out.contains("stdin=hello"), out);
        assertFalse(out.contains("Using incubator modules"), out);
    }

    @Test
    void shouldStopJavaInOrderOnSigtermToTheScript() throws Exception {
        Process p = start(Map.of(), "wait");
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String line; (line = lines.readLine()) != null && !line.equals("ready"); ) seen.add(line);
        // SIGTERM to the script's process (Process.destroy would also close the streams this test reads).
        assertEquals(0, new ProcessBuilder("kill", "-TERM", String.valueOf(p.pid())).inheritIO().start().waitFor());
        for (String line; (line = lines.readLine()) != null; ) seen.add(line);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertTrue(seen.contains("hook ran"), "java's shutdown hooks ran: " + seen);
        assertEquals(143, p.exitValue(), "java's status: ended by SIGTERM");
    }

    private static String run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Process p = start(env, args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static Process start(Map<String, String> env, String... args) throws IOException {
        String classes = Path.of(Probe.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        List<String> command = new ArrayList<>(List.of("sh", "src/main/dist/seqstream-java", "-Xmx64m", "-cp", classes, Probe.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("OMP_NUM_THREADS");
        pb.environment().remove("SEQSTREAM_VECTOR");
        // The script runs `java` from the PATH; make it this JVM's.
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        pb.environment().putAll(env);
        return pb.start();
    }
}
