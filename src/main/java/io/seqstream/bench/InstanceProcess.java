package io.seqstream.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A product instance ({@code seqstream run --no-demo} against an external broker) in a JVM of its own, launched from
 * this JVM's class path so that a benchmark can {@code kill -9} it and start it again with the same instance id. Its
 * output goes to a log file; the moment it prints that it runs is recorded. The approach of the tests' ChildJvm.
 */
final class InstanceProcess {
    private final String id;
    private final List<String> command;
    private final Path log;
    private final Object lock = new Object();
    private Process process;
    private long startedMs;
    private long readyMs;

    /**
     * @param settings product settings ({@code key=value}, passed as {@code --set}) on top of the instance's own
     */
    InstanceProcess(String id, String bootstrap, Path model, Path logDir, String heap, List<String> settings) {
        this.id = id;
        this.log = logDir.resolve(id + ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-Dorg.bytedeco.javacpp.maxPhysicalBytes=0");
        // The same kernels as this JVM: the launcher adds the Vector API unless SEQSTREAM_VECTOR=0.
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            cmd.add("--add-modules");
            cmd.add("jdk.incubator.vector");
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.seqstream.cli.Main");
        cmd.add("run");
        cmd.add("--no-demo");
        cmd.add("--bootstrap");
        cmd.add(bootstrap);
        List<String> all = new ArrayList<>(List.of("trainer.models=none", "web.port=0", "app.instance-id=" + id,
                "pipeline.echo.model=" + model.toAbsolutePath()));
        all.addAll(settings);
        for (String s : all) {
            cmd.add("--set");
            cmd.add(s);
        }
        this.command = cmd;
    }

    String id() { return id; }

    Path log() { return log; }

    /** Starts the JVM and returns at once; the start time is taken just before the process is created. */
    void start() throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(Map.of("OMP_NUM_THREADS", "1"));
        synchronized (lock) {
            readyMs = 0;
            startedMs = System.currentTimeMillis();
        }
        Process p = pb.start();
        process = p;
        Thread pump = new Thread(() -> pump(p), "instance-" + id + "-output");
        pump.setDaemon(true);
        pump.start();
    }

    private void pump(Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
            out.println("==== start pid " + p.pid());
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                if (line.startsWith("seqstream is running")) {
                    synchronized (lock) {
                        readyMs = System.currentTimeMillis();
                        lock.notifyAll();
                    }
                }
            }
            out.println("==== exit");
        } catch (IOException e) {
            // the process went away
        }
    }

    /** Waits until the instance printed that it runs; false if it did not within the timeout or died. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (readyMs == 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive()) return false;
                lock.wait(Math.min(500, TimeUnit.NANOSECONDS.toMillis(left) + 1));
            }
        }
        return true;
    }

    /** SIGKILL (Process.destroyForcibly sends signal 9 on Linux): no shutdown hook runs. Returns the exit status. */
    int kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        return process.isAlive() ? -1 : process.exitValue();
    }

    long startedMs() {
        synchronized (lock) {
            return startedMs;
        }
    }

    /** When the last start printed "seqstream is running" (0 until it did). */
    long readyMs() {
        synchronized (lock) {
            return readyMs;
        }
    }

    boolean alive() { return process != null && process.isAlive(); }

    /** SIGTERM, then SIGKILL after 20 s. */
    void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) kill9();
    }
}
