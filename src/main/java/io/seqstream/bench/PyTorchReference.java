package io.seqstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs the PyTorch reference scripts under {@code bench/} with Debian's python3-torch ({@code /usr/bin/python3},
 * not whatever {@code python3} is first on the PATH), so that each measurement has its reference from the same run.
 */
public final class PyTorchReference {
    /** Debian's interpreter, the one python3-torch installs into. */
    public static final String PYTHON = System.getProperty("seqstream.bench.python", "/usr/bin/python3");

    private PyTorchReference() {
    }

    /** Empty when {@code PYTHON -c 'import torch'} works, else why the reference is skipped. */
    public static Optional<String> unavailable(Path script) {
        if (!Files.isRegularFile(script)) return Optional.of("no script " + script + " (run from the repository root)");
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of(PYTHON + " -c 'import torch' did not finish");
            }
            if (p.exitValue() != 0) {
                return Optional.of(PYTHON + " cannot import torch (apt-get install python3-torch libopenblas0-pthread): "
                        + out.lines().reduce((a, b) -> b).orElse(""));
            }
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot run " + PYTHON + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /** Runs the script with the given arguments and parses the one JSON object it prints on stdout. */
    public static JsonNode run(Path script, List<String> args, long timeoutSeconds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(PYTHON);
        cmd.add(script.toString());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " ran past " + timeoutSeconds + " s");
        }
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + " failed with exit status " + p.exitValue());
        return new ObjectMapper().readTree(out);
    }
}
