package io.seqstream.testing;

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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A product instance in a JVM of its own, started from this JVM's class path ({@code seqstream run} against an
 * external broker), so that a test can {@code kill -9} it. Its output goes to a log file under target/.
 */
public final class ChildJvm implements AutoCloseable {
    private static final Pattern WEB = Pattern.compile("Web: (http://[^ ]+/)");

    private final String name;
    private final List<String> command;
    private final Path log;
    private Process process;
    private volatile String webUrl;
    private final Object lock = new Object();
    private boolean ready;
    /** A fragment {@link #awaitNextLine} waits for, and whether a line with it came since (guarded by lock). */
    private String watched;
    private boolean watchedSeen;
    private volatile boolean paused;

    private ChildJvm(String name, List<String> command, Path log) {
        this.name = name;
        this.command = command;
        this.log = log;
    }

    /**
     * A processor instance: {@code Main run --bootstrap B --no-demo}, trainer off, web on a free port, with the
     * given instance id (stable across restarts: its transactional ids and static group membership derive from it).
     */
    public static ChildJvm instance(String instanceId, String bootstrap, Path model, Path logDir, String... extraSettings) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.seqstream.cli.Main");
        cmd.add("run");
        cmd.add("--no-demo");
        cmd.add("--bootstrap");
        cmd.add(bootstrap);
        for (String s : List.of("trainer.models=none", "web.port=0", "web.read-outputs-topic=false",
                "app.instance-id=" + instanceId, "pipeline.echo.model=" + model.toAbsolutePath(),
                "kafka.session-timeout=6s", "kafka.transaction-timeout=10s")) {
            cmd.add("--set");
            cmd.add(s);
        }
        for (String s : extraSettings) {
            cmd.add("--set");
            cmd.add(s);
        }
        return new ChildJvm(instanceId, cmd, logDir.resolve(instanceId + ".log"));
    }

    /**
     * Any main class of the class path in a JVM of its own, with {@code args}; ready once it prints a line beginning
     * "seqstream is running", as the product does.
     */
    public static ChildJvm main(String name, Class<?> main, Path logDir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return new ChildJvm(name, cmd, logDir.resolve(name + ".log"));
    }

    /** Starts the JVM and returns at once; {@link #awaitReady(Duration)} waits for the product to run. */
    public ChildJvm start() throws IOException {
        Files.createDirectories(log.getParent());
        synchronized (lock) {
            ready = false;
        }
        webUrl = null;
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        process = pb.start();
        Process p = process;
        Thread pump = new Thread(() -> pump(p), "child-" + name + "-output");
        pump.setDaemon(true);
        pump.start();
        return this;
    }

    private void pump(Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
            out.println("==== start pid " + p.pid());
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                Matcher m = WEB.matcher(line);
                if (m.find()) webUrl = m.group(1);
                synchronized (lock) {
                    if (watched != null && line.contains(watched)) {
                        watchedSeen = true;
                        lock.notifyAll();
                    }
                }
                if (line.startsWith("seqstream is running")) {
                    synchronized (lock) {
                        ready = true;
                        lock.notifyAll();
                    }
                }
            }
            out.println("==== exit");
        } catch (IOException e) {
            // the process went away
        }
    }

    /** Waits until the instance printed that it runs (processors started, web up). */
    public ChildJvm awaitReady(Duration timeout) throws InterruptedException {
        synchronized (lock) {
            awaitLocked(() -> ready, timeout, "did not start");
        }
        return this;
    }

    /** Waits for the next output line (after this call) that contains the fragment. */
    public ChildJvm awaitNextLine(String fragment, Duration timeout) throws InterruptedException {
        synchronized (lock) {
            watched = fragment;
            watchedSeen = false;
            try {
                awaitLocked(() -> watchedSeen, timeout, "printed no '" + fragment + "'");
            } finally {
                watched = null;
            }
        }
        return this;
    }

    /** Waits on lock (held by the caller) until done, failing when the process exits or the timeout passes. */
    private void awaitLocked(java.util.function.BooleanSupplier done, Duration timeout, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !process.isAlive()) {
                throw new IllegalStateException("instance " + name + " " + failure + " within " + timeout + " (see " + log + ")");
            }
            lock.wait(Math.min(500, TimeUnit.NANOSECONDS.toMillis(left) + 1));
        }
    }

    /** SIGKILL: Process.destroyForcibly on Linux sends signal 9, so no shutdown hook runs. */
    public void kill9() throws InterruptedException {
        if (process == null) return;
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * SIGSTOP: the JVM freezes at once, every thread (heartbeats included), with whatever transaction it has open,
     * as under a long GC pause or a frozen VM; it learns nothing of the time that passed until {@link #resume()}.
     */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
        paused = true;
    }

    /** SIGCONT: the paused JVM goes on where it stopped, as if no time had passed. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
        paused = false;
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    public boolean alive() { return process != null && process.isAlive(); }

    public int exitCode() { return process.exitValue(); }

    public long pid() { return process.pid(); }

    /** The instance's web gateway, e.g. http://127.0.0.1:41234/ (null until it printed it). */
    public String webUrl() { return webUrl; }

    public Path log() { return log; }

    /** SIGTERM (the shutdown hook closes the product), then SIGKILL if it takes too long. */
    @Override
    public void close() throws InterruptedException {
        if (process == null || !process.isAlive()) return;
        // A stopped JVM would hold SIGTERM pending until continued: let it run its shutdown hook.
        if (paused) {
            try {
                resume();
            } catch (IOException | RuntimeException e) {
                kill9();
                return;
            }
        }
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) kill9();
    }
}
