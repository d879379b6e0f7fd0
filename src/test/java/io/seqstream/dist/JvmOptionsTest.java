package io.seqstream.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * src/main/dist/seqstream-java, through which the launcher and the Docker images start every seqstream JVM: the
 * options of jvm.options reach the JVM, SEQSTREAM_VECTOR=0 leaves the Vector API module out, the caller's options
 * and arguments pass through, OMP_NUM_THREADS defaults to 1, the JVM's incubator warning is dropped from standard
 * error and the rest of it kept.
 */
class JvmOptionsTest {
    /** Run by the script under test: prints what the JVM was started with. */
    public static final class Probe {
        public static void main(String[] args) {
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
        String out = run(Map.of());
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
        String out = run(Map.of("SEQSTREAM_VECTOR", "0", "OMP_NUM_THREADS", "3"));
        assertTrue(out.contains("vector=false"), out);
        assertFalse(out.contains("jdk.incubator.vector"), out);
        assertTrue(out.contains("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0"), out);
        assertTrue(out.contains("omp=3"), out);
        assertTrue(out.contains("err=kept") && out.endsWith("partial"), out);
    }

    private static String run(Map<String, String> env) throws IOException, InterruptedException {
        String classes = Path.of(Probe.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        ProcessBuilder pb = new ProcessBuilder(List.of("sh", "src/main/dist/seqstream-java", "-Xmx64m", "-cp", classes,
                Probe.class.getName(), "a b", "c")).redirectErrorStream(true);
        pb.environment().remove("OMP_NUM_THREADS");
        pb.environment().remove("SEQSTREAM_VECTOR");
        // The script runs `java` from the PATH; make it this JVM's.
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
