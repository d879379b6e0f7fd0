package io.seqstream.train.device.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kernels.cu, which the CUDA device compiles with NVRTC when it opens: it defines exactly the kernels the device
 * launches, and compiles to Hopper (sm_90) machine code with the CUDA toolkit's nvcc where one is installed (the
 * development machines have CUDA 13's; without nvcc that part is skipped and says so).
 */
class KernelSourceTest {

    @Test
    void shouldDefineEveryKernelTheDeviceLaunches() throws Exception {
        String source = CudaDevice.source();
        Matcher m = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(").matcher(source);
        java.util.Set<String> defined = new java.util.TreeSet<>();
        while (m.find()) defined.add(m.group(1));
        java.lang.reflect.Field f = CudaDevice.class.getDeclaredField("KERNELS");
        f.setAccessible(true);
        assertEquals(new java.util.TreeSet<>(List.of((String[]) f.get(null))), defined);
        assertTrue(!source.contains("#include"), "NVRTC has no standard headers: kernels.cu must include none");
    }

    @Test
    void shouldCompileForHopperWithNvcc(@TempDir Path dir) throws Exception {
        Path nvcc = nvcc();
        Assumptions.assumeTrue(nvcc != null, "no nvcc (CUDA toolkit) on this machine: kernels.cu not compiled here");
        Path cu = dir.resolve("kernels.cu");
        Files.writeString(cu, CudaDevice.source());
        Process p = new ProcessBuilder(nvcc.toString(), "-cubin", "-arch=sm_90", "-Werror", "all-warnings", cu.toString(),
                "-o", dir.resolve("kernels.cubin").toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "nvcc did not finish");
        assertEquals(0, p.exitValue(), log);
        assertTrue(Files.size(dir.resolve("kernels.cubin")) > 0);
    }

    private static Path nvcc() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "nvcc"))) return Path.of(d, "nvcc");
        }
        Path usual = Path.of("/usr/local/cuda/bin/nvcc");
        return Files.isExecutable(usual) ? usual : null;
    }
}
